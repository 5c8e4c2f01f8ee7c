using UnpServers.Child;

namespace UnpServers.Tests;

/// <summary>The rules of fork-safety.md, checked on the running server.</summary>
[TestFixture]
public class ForkSafetyTests
{
    [Test]
    public void TheChildPathAllocatesZeroBytes()
    {
        using var server = ServerProcess.Start("echosrv", ["--idle-timeout", "1"],
            new Dictionary<string, string> { [AllocationReport.Variable] = "1" });
        TestSocket.RoundTrip(server.Port, new byte[100_000]);          // echo, then EOF
        using (var s = Loopback.Connect(server.Port))                 // reset by the client
        {
            TestSocket.Line(s, "reset");
            TestSocket.Reset(s);
        }
        using (var idle = Loopback.Connect(server.Port))              // the idle timeout
            Assert.That(TestSocket.ReadToEnd(idle), Is.Empty);

        Assert.That(Wait.Until(() => server.CountLog(new("allocated")) == 3, 10000), Is.True, server.Log);
        var lines = server.LogLines().Where(l => l.Contains("allocated")).ToList();
        Assert.That(lines, Is.All.Match(@"^child \d+ allocated 0 bytes$"));
    }

    [Test]
    public void TheServerRunsOnOneRuntimeStartedForkSafe()
    {
        using var server = ServerProcess.StartEcho();
        var environ = File.ReadAllText($"/proc/{server.Pid}/environ").Split('\0');
        Assert.That(environ, Does.Contain("DOTNET_gcServer=0"));
        Assert.That(environ, Does.Contain("DOTNET_gcConcurrent=0"));

        // R1: every thread of the runtime has the handled signals blocked, so only the signalfd sees them.
        ulong handled = (1UL << (1 - 1)) | (1UL << (2 - 1)) | (1UL << (10 - 1)) | (1UL << (15 - 1)) | (1UL << (17 - 1));
        foreach (string task in Directory.GetDirectories($"/proc/{server.Pid}/task"))
        {
            string blk = File.ReadAllLines(Path.Combine(task, "status")).First(l => l.StartsWith("SigBlk:"));
            ulong mask = Convert.ToUInt64(blk.Split('\t')[1], 16);
            Assert.That(mask & handled, Is.EqualTo(handled), $"{task}: {blk}");
        }

        // R2: no thread pool, no signal-handling thread: under Native AOT, the main thread and the finalizer.
        var names = ProcFs.ThreadNames(server.Pid);
        Assert.That(names, Is.EquivalentTo(new[] { "echosrv", ".NET Finalizer" }), string.Join(", ", names));
    }

    [Test]
    public void AChildHasDefaultHandlersAndNoParentDescriptors()
    {
        using var server = ServerProcess.StartEcho();
        using var s = Loopback.Connect(server.Port);
        TestSocket.Line(s, "inspect");
        int child = 0;
        Assert.That(Wait.Until(() => (child = server.Children().FirstOrDefault()) != 0, 5000), Is.True);
        var status = File.ReadAllLines($"/proc/{child}/status").ToDictionary(l => l.Split(':')[0], l => l.Split('\t').Last());
        Assert.That(status["SigBlk"], Is.EqualTo("0000000000000000"), "nothing blocked");
        // Signals 32 and 33 are glibc's own (SIGCANCEL, SIGSETXID); sigaction() refuses to touch them.
        ulong caught = Convert.ToUInt64(status["SigCgt"], 16) & ~(3UL << 31);
        Assert.That(caught, Is.Zero, $"no runtime handler left: SigCgt {status["SigCgt"]}");
        Assert.That(Convert.ToUInt64(status["SigIgn"], 16) & (1UL << 12), Is.Not.Zero, "SIGPIPE ignored");
        var targets = Directory.GetFiles($"/proc/{child}/fd").Select(f => new FileInfo(f).LinkTarget ?? "").ToList();
        Assert.That(targets, Has.None.Contains("signalfd"), "signalfd closed");
        Assert.That(targets.Count(t => t.StartsWith("socket:")), Is.EqualTo(1), "only the connection, not the listener");
    }

    /// <summary>
    /// R3 as a user sees it: the child closed its copy of the listener. With the parent killed
    /// outright (SIGKILL: nothing stops the children) while a child serves, the orphaned child
    /// serves on, as a C server's does, and the port refuses new clients: nobody listens.
    /// </summary>
    [TestCase("fork")]
    [TestCase("exec")]
    public void WithTheParentKilledWhileAChildServesThePortRefusesNewClients(string mode)
    {
        using var server = ServerProcess.StartEcho(Modes.Args(mode));
        using var s = Loopback.Connect(server.Port);
        Assert.That(TestSocket.Line(s, "served"), Is.EqualTo("served\n"));
        Assert.That(Wait.Until(() => server.Children().Length == 1, 5000), Is.True, "one child serves");
        server.Signal(SIGKILL);
        Assert.That(server.WaitForExit(5000), Is.Not.Null, "the parent is gone");
        Assert.That(TestSocket.Line(s, "still served"), Is.EqualTo("still served\n"), "the orphaned child serves on");
        var e = Assert.Throws<SocketException>(() => Loopback.Connect(server.Port).Dispose(), "nothing listens on the port");
        Assert.That(e!.SocketErrorCode, Is.EqualTo(SocketError.ConnectionRefused));
    }

    /// <summary>
    /// UNP 7.5's case for SO_REUSEADDR: the listening server is killed and started again on its
    /// port while a child of the old one still serves. bind() succeeds only if that child holds
    /// no listening socket on the port (a connected one is what SO_REUSEADDR allows).
    /// </summary>
    [Test]
    public void AServerRestartsOnItsPortWhileAChildOfTheOldOneServes()
    {
        using var old = ServerProcess.StartEcho();
        using var s = Loopback.Connect(old.Port);
        Assert.That(TestSocket.Line(s, "served"), Is.EqualTo("served\n"));
        Assert.That(Wait.Until(() => old.Children().Length == 1, 5000), Is.True, "one child serves");
        old.Signal(SIGKILL);
        Assert.That(old.WaitForExit(5000), Is.Not.Null, "the old parent is gone");

        string log = Path.Combine(Path.GetTempPath(), $"unp-echosrv-{Guid.NewGuid():N}.log");
        using var restarted = ServerProcess.StartExactly("echosrv", ["--port", old.Port.ToString(), "--log", log], log, logToStdout: false);
        Assert.That(restarted.Port, Is.EqualTo(old.Port));
        Assert.That(TestSocket.RoundTrip(restarted.Port, "new\n"u8.ToArray()), Is.EqualTo("new\n"u8.ToArray()), "the new server serves");
        Assert.That(TestSocket.Line(s, "old"), Is.EqualTo("old\n"), "and the old child still serves its client");
    }

    [Test]
    public void NoUnsafeCodeOutsideTheLibcBindings()
    {
        var offenders = Directory.GetFiles(Path.Combine(Repo.Root, "lib"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}Libc{Path.DirectorySeparatorChar}")
                        && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .Where(f => Regex.IsMatch(File.ReadAllText(f), @"\bunsafe\b|\bfixed\s*\("))
            .ToList();
        Assert.That(offenders, Is.Empty);
    }
}
