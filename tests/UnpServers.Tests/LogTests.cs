using UnpServers.Unp;

namespace UnpServers.Tests;

/// <summary>Log lines: a long one is cut with a marker, and a log that cannot be written is counted and reported.</summary>
[TestFixture]
public class LogTests
{
    [Test]
    public void AnErrorLineOverTheBufferIsCutWithAMarkerNotDropped()
    {
        string host = new('b', 1100);
        var r = Run.Program("echocli", [host]);
        Assert.That(r.ExitCode, Is.EqualTo(1), r.StdErr);
        string line = r.StdErr.Split('\n')[0];
        Assert.That(line, Does.StartWith("tcp_connect error for bbbbbbbb"));
        Assert.That(line, Does.EndWith("b [cut]"));
        Assert.That(Encoding.UTF8.GetByteCount(line), Is.LessThan(1024));
    }

    [Test]
    public void ACutNeverSplitsAUtf8CharacterAndNothingFollowsTheMarker()
    {
        var line = new LogLine(32).Add(new string('é', 40)).Add(" more"u8).Add(" more");
        Assert.That(() => new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(line.Text), Throws.Nothing);
        Assert.That(LibC.pipe2(out int r, out int w, O_CLOEXEC), Is.EqualTo(0));
        try
        {
            line.WriteTo(w);
            var buf = new byte[64];
            int n = (int)LibC.read(r, buf);
            string written = Encoding.UTF8.GetString(buf, 0, n);
            Assert.That(written, Is.EqualTo(new string('é', 12) + " [cut]\n")); // 24 bytes of text, the marker, the newline
        }
        finally
        {
            LibC.close(r);
            LibC.close(w);
        }
    }

    /// <summary>
    /// logrotate's way (README): rename the file, SIGHUP the parent. Every later line of a
    /// pre-forked child (with the allocation report on, each turn logs one) goes to the new file,
    /// and no process of the server, parent or child, keeps the renamed one open (issue 20,
    /// defect 3: the children used to log into it for ever).
    /// </summary>
    [TestCaseSource(typeof(DesignTests), nameof(DesignTests.Preforked))]
    public void AfterSighupThePreforkedChildrenLogToTheNewFileAndNoneHoldsTheOld(string design)
    {
        using var server = ServerProcess.Start("echosrv", ["--model", design, "--workers", "2"],
            new Dictionary<string, string> { [Child.AllocationReport.Variable] = "1" });
        var turn = new Regex(@"^child \d+ allocated 0 bytes$");
        string rotated = server.LogPath + ".1";
        try
        {
            Assert.That(TestSocket.RoundTrip(server.Port, "before\n"u8.ToArray()), Is.EqualTo("before\n"u8.ToArray()));
            server.WaitForLog(turn, 5000); // the turn's line is written, in the first file
            File.Move(server.LogPath, rotated);
            server.Signal(SIGHUP);
            server.WaitForLog(new(@"^received SIGHUP; log reopened$"), 5000);

            for (int i = 0; i < 4; i++)
                Assert.That(TestSocket.RoundTrip(server.Port, "after\n"u8.ToArray()), Is.EqualTo("after\n"u8.ToArray()));
            Assert.That(Wait.Until(() => server.CountLog(turn) == 4, 5000), Is.True, "the four turns logged in the new file:\n" + server.Log);
            Assert.That(File.ReadLines(rotated).Count(l => turn.IsMatch(l)), Is.EqualTo(1), "the old file has the first turn only");

            int[] processes = [server.Pid, .. server.Children()];
            Assert.That(processes, Has.Length.EqualTo(3));
            Assert.That(processes.SelectMany(p => Holding(p, rotated)), Is.Empty, "nobody holds the renamed file open");
        }
        finally { File.Delete(rotated); }
    }

    /// <summary>"PID fd N" for each descriptor of pid open on path.</summary>
    private static IEnumerable<string> Holding(int pid, string path)
    {
        string[] fds;
        try { fds = Directory.GetFiles($"/proc/{pid}/fd"); }
        catch (DirectoryNotFoundException) { return []; }
        return fds.Where(fd => LinkTarget(fd) == path).Select(fd => $"{pid} fd {Path.GetFileName(fd)}").ToList();
    }

    private static string? LinkTarget(string link)
    {
        try { return new FileInfo(link).LinkTarget; }
        catch (IOException) { return null; } // closed since it was listed
    }

    /// <summary>
    /// A 12 KiB tmpfs: 4 KiB of filler, and the log prefilled to 50 bytes short of full. The
    /// listening line fits; the next line is written in part, then the disk is full.
    /// </summary>
    [Test]
    public void AFullDiskLosesWholeLinesCountsThemAndSaysSoOnce()
    {
        string dir = Directory.CreateTempSubdirectory("unp-fulldisk-").FullName;
        var mount = Run.Command("mount", ["-t", "tmpfs", "-o", "size=12k", "tmpfs", dir]);
        Assert.That(mount.ExitCode, Is.EqualTo(0), "mount tmpfs (the tests run as root): " + mount.StdErr);
        try
        {
            string filler = Path.Combine(dir, "filler"), log = Path.Combine(dir, "echosrv.log");
            File.WriteAllBytes(filler, new byte[4096]);
            byte[] prefill = Encoding.ASCII.GetBytes(new string('x', 8192 - 50 - 1) + "\n");
            File.WriteAllBytes(log, prefill);

            using var server = ServerProcess.Start("echosrv", [], logPath: log);
            for (int i = 0; i < 3; i++)
            {
                var (code, output, stderr) = ClientProcess.Batch("echocli", "hi\n"u8.ToArray(), 10000, "127.0.0.1", "--port", server.Port.ToString());
                Assert.That(code, Is.EqualTo(0), "the server serves on with its disk full: " + stderr);
                Assert.That(output, Is.EqualTo("hi\n"u8.ToArray()));
            }
            const string report = "log write error: No space left on device (ENOSPC)";
            Assert.That(Wait.Until(() => server.StdErr.Contains(report), 5000), Is.True, "reported on stderr: " + server.StdErr);

            byte[] content = File.ReadAllBytes(log);
            Assert.That(content.AsSpan(0, prefill.Length).SequenceEqual(prefill), Is.True);
            string after = Encoding.ASCII.GetString(content, prefill.Length, content.Length - prefill.Length);
            Assert.That(after, Does.Match(@"^listening on [^\n]*\n([^\n]*\n)*$"), "whole lines only: the part of a line written before ENOSPC was taken back");

            File.Delete(filler);
            server.Signal(SIGUSR1);
            Match m = server.WaitForLog(new(@"^stats: .*, log lines lost (\d+)$"), 5000);
            Assert.That(int.Parse(m.Groups[1].Value), Is.GreaterThanOrEqualTo(3), "at least the three connection lines: " + server.Log);
            Assert.That(Regex.Matches(server.StdErr, Regex.Escape(report)), Has.Count.EqualTo(1), "reported once: " + server.StdErr);
            Assert.That(File.ReadAllText(log), Does.EndWith("\n"));
        }
        finally
        {
            if (Run.Command("umount", [dir]).ExitCode != 0) Run.Command("umount", ["-l", dir]);
            Directory.Delete(dir, recursive: true);
        }
    }
}
