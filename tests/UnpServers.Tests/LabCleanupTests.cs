namespace UnpServers.Tests;

/// <summary>However a lab is stopped, it leaves nothing behind: no server, no tcpdump, no client,
/// no temporary directory (issue 20, defect 9: a lab piped into head or less and quit early left a
/// root echosrv, a tcpdump and a /tmp/unp-lab.* folder). As a student, from the installed copy.</summary>
[TestFixture]
public class LabCleanupTests
{
    /// <summary>make lab-startup | head -3: the reader goes away after three lines.</summary>
    [Test]
    public void AReaderThatQuitsEarlyLeavesNothingBehind()
    {
        using var student = new Student();
        using var p = student.Start(InstalledCopy.UnpLab, ["startup"]);
        var stderr = p.StandardError.ReadToEndAsync();
        var head = new List<string>();
        for (int i = 0; i < 3; i++) head.Add(p.StandardOutput.ReadLine() ?? "");
        p.StandardOutput.Close(); // as head exits: the lab's next write has no reader
        Assert.That(p.WaitForExit(30_000), Is.True, "the lab went on without a reader");
        Assert.That(p.ExitCode, Is.EqualTo(141), () => "128 + SIGPIPE\n" + string.Join('\n', head) + stderr.Result);
        AssertNothingLeft(student);
    }

    // Test cases, not attributes: Tmds.LibC's signal numbers are properties, not constants.
    private static readonly object[] Stops = [new object[] { SIGINT, 130 }, new object[] { SIGHUP, 129 }, new object[] { SIGTERM, 143 }];

    /// <summary>Ctrl-C (as kill -INT), a closed terminal (SIGHUP), kill: in the middle of a two-host
    /// lab, with its hosts, its capture, its server and its client all running.</summary>
    [TestCaseSource(nameof(Stops))]
    public void ASignalToTheLabLeavesNothingBehind(int signal, int status)
    {
        using var student = new Student();
        if (!student.HasNamespaces()) Assert.Ignore("this kernel gives users no user namespace");
        // The default tcp_retries2: the client retransmits for minutes after the crash, so the
        // signal lands mid-lab however late a loaded machine lets this test send it.
        using var p = student.Start(InstalledCopy.UnpLab, ["host-crash"], new Dictionary<string, string> { ["UNP_LAB_TCP_RETRIES2"] = "15" });
        using var handle = ProcessHandle.OfOwnChild(p.Id);
        var stderr = p.StandardError.ReadToEndAsync();
        string? line;
        var seen = new List<string>();
        // The server host has just crashed: the client retransmits from now on.
        while ((line = p.StandardOutput.ReadLine()) != null && !line.Contains("addr flush")) seen.Add(line);
        Assert.That(line, Is.Not.Null, () => "the lab ended before the crash:\n" + string.Join('\n', seen) + stderr.Result);
        var stdout = p.StandardOutput.ReadToEndAsync();
        Assert.That(handle, Is.Not.Null);
        handle!.Signal(signal);
        Assert.That(p.WaitForExit(30_000), Is.True, "the lab went on after the signal");
        Assert.That(p.ExitCode, Is.EqualTo(status), () => stdout.Result + stderr.Result);
        AssertNothingLeft(student);
    }

    /// <summary>make lab-startup >&-: nothing is started, and one line says why.</summary>
    [Test]
    public void AClosedStdoutStartsNothing()
    {
        using var student = new Student();
        using var p = student.Start("bash", ["-c", "exec \"$0\" startup >&-", InstalledCopy.UnpLab]);
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.That(p.WaitForExit(30_000), Is.True);
        Assert.That(p.ExitCode, Is.EqualTo(2));
        Assert.That(stderr.Result, Is.EqualTo("lab: standard output is closed\n"));
        AssertNothingLeft(student);
    }

    private static void AssertNothingLeft(Student student)
    {
        // The lab has exited: what it started is gone at once (its pid namespace), or within a moment.
        Assert.That(Wait.Until(() => student.Processes().Count == 0, 5000), Is.True,
                    "left running:\n" + string.Join('\n', student.Processes()));
        Assert.That(student.LeftBehind(), Is.Empty, "left in the student's HOME or TMPDIR");
    }
}
