using UnpServers.Tests.Support;

namespace UnpServers.Tests;

/// <summary>The lab scripts where the machine or the timing is not the usual one: a delayed ACK
/// (issue 20, defect 7), strace splitting a call in two (defect 8), a kernel that gives users no
/// namespace (issue 21), a lab shown step by step to a class.</summary>
[TestFixture]
public class LabScriptTests
{
    private static string Script(string name) => Path.Combine(Repo.Root, "scripts", name);

    /// <summary>
    /// Defect 7: the client's ACK of the FIN may come ~40 ms after its end went to CLOSE_WAIT, and
    /// until it does the server's end is in FIN_WAIT_1. An ss that hides FIN_WAIT_2 for the first
    /// half second it is asked about makes that delay happen every time: the lab must wait for the
    /// state, with a deadline, and only then show it and say so.
    /// </summary>
    [Test]
    public void KillChildBlockingWaitsForFinWait2()
    {
        using var student = new Student();
        if (!student.HasNamespaces()) Assert.Ignore("this kernel gives users no user namespace");
        var (bin, _) = LabTests.Wrappers(student);
        string state = student.WritableDir("ss-state");
        string ss = Run.Shell("command -v ss").StdOut.Trim();
        File.WriteAllText(Path.Combine(bin, "ss"),
            "#!/usr/bin/env bash\n" +
            "# FIN_WAIT_2 is not there yet during the first 0.5 s it is asked about: a late ACK of the FIN.\n" +
            "if [[ \" $* \" == *' fin-wait-2 '* ]]; then\n" +
            $"    first={state}/first; [ -f $first ] || date +%s%N > $first\n" +
            "    (( $(date +%s%N) - $(cat $first) < 500000000 )) && exit 0\n" +
            "fi\n" +
            $"exec {ss} \"$@\"\n");
        File.SetUnixFileMode(Path.Combine(bin, "ss"), (UnixFileMode)0b111_101_101);

        var r = student.Run(InstalledCopy.UnpLab, ["kill-child-blocking"], new Dictionary<string, string> { ["UNP_LAB_BIN"] = bin });
        Assert.That(File.Exists(Path.Combine(state, "first")), Is.True, "the lab never asked ss for FIN_WAIT_2");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Output);
        // The Notice lines come after an ss that shows the state they name (check-transcript's rule).
        var check = Run.Command(Script("check-transcript.sh"), [], r.Output);
        Assert.That(check.ExitCode, Is.EqualTo(0), check.StdOut);
        Assert.That(r.Output, Does.Match(@"\nFIN-WAIT-2 .*:9877 [\s\S]*Notice: the server's end \(local port 9877\) is in FIN-WAIT-2"));
    }

    /// <summary>
    /// Defect 8: strace -f writes a call another process interrupts as "&lt;unfinished ...&gt;", then
    /// "&lt;... read resumed&gt;". The annotation puts each pair back together, labels the parent's close
    /// of the connected socket once (its number is used again later), and never calls an accept4 that
    /// found nothing "accepts the connection".
    /// </summary>
    [Test]
    public void TheStraceLabReadsSplitCalls()
    {
        const string trace = """
            10    accept4(34,  <unfinished ...>
            55    read(41,  <unfinished ...>
            10    <... accept4 resumed>{sa_family=AF_INET6, sin6_port=htons(46022)}, [128 => 28], SOCK_CLOEXEC) = 41
            10    clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f) = 55
            10    close(41)                         = 0
            10    accept4(34,  <unfinished ...>
            55    <... read resumed>"hello, strace\n", 16384) = 14
            10    <... accept4 resumed>0x7ffd, [128], SOCK_CLOEXEC) = -1 EAGAIN (Resource temporarily unavailable)
            55    write(41, "hello, strace\n", 14 <unfinished ...>
            12    read(7, "x", 1)                   = 1
            55    <... write resumed>)              = 14
            55    close(34)                         = 0
            55    read(41, "", 16384)               = 0
            55    exit_group(0)                     = ?
            55    +++ exited with 0 +++
            10    read(38, "\21\0\0\0\0\0\0\0\1\0\0\0006\0\0\0"..., 128) = 128
            10    wait4(-1, [{WIFEXITED(s) && WEXITSTATUS(s) == 0}], WNOHANG, NULL) = 55
            10    close(41)                         = 0
            10    wait4(-1, 0x7ffd, WNOHANG, NULL) = -1 ECHILD (No child processes)

            """;
        var r = Run.Command("awk", ["-v", "parent=10", "-v", "child=55", "-f", Path.Combine(Repo.Root, "labs", "strace-annotate.awk")], trace);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.StdErr);
        string[] lines = r.StdOut.Split('\n');
        string After(string call) => lines[Array.FindIndex(lines, l => l.Contains(call)) + 1];
        Assert.That(r.StdOut, Does.Not.Contain("unfinished").And.Not.Contain("resumed"));
        Assert.That(After("read(41, \"hello"), Does.Contain("the child reads the line"));
        Assert.That(After("write(41, \"hello"), Does.Contain("writes it back"));
        Assert.That(After("= 41"), Does.Contain("the parent accepts the connection: a new descriptor, 41"));
        Assert.That(After("EAGAIN"), Does.Contain("accept again: nothing more is queued"));
        Assert.That(After("close(34)"), Does.Contain("the child closes the listening socket"));
        Assert.That(System.Text.RegularExpressions.Regex.Matches(r.StdOut, "accepts the connection"), Has.Count.EqualTo(1));
        Assert.That(System.Text.RegularExpressions.Regex.Matches(r.StdOut, "closes its copy of the connected socket"), Has.Count.EqualTo(1));
        Assert.That(After("wait4(-1, [{"), Does.Contain("the zombie is reaped"));
        Assert.That(r.StdOut, Does.Not.Contain("12 "), "another thread's lines are left out");
    }

    /// <summary>
    /// Where the kernel gives users no namespace (an unshare that fails, as it does then), a lab
    /// says so in one line naming the settings, runs on the machine's loopback without a capture,
    /// and a two-host lab is skipped: exit 77, with the reason.
    /// </summary>
    [Test]
    public void WithoutNamespacesALabSaysWhyAndRunsOnTheMachinesLoopback()
    {
        using var student = new Student();
        var (bin, started) = LabTests.Wrappers(student);
        File.WriteAllText(Path.Combine(bin, "unshare"), "#!/bin/sh\necho 'unshare: unshare failed: Operation not permitted' >&2\nexit 1\n");
        File.SetUnixFileMode(Path.Combine(bin, "unshare"), (UnixFileMode)0b111_101_101);
        var env = new Dictionary<string, string> { ["UNP_LAB_BIN"] = bin };

        var r = student.Run(InstalledCopy.UnpLab, ["kill-child"], env);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Output);
        Assert.That(r.Output, Does.Match(@"(^|\n)lab: no user namespace here \(Operation not permitted: .*user\.max_user_namespaces = \d+.*\); the lab runs on this machine's loopback, without a packet capture\n"));
        Assert.That(r.Output, Does.Contain("--port 0 let the kernel pick a free port"));
        Assert.That(r.Output, Does.Contain("(no packet capture: it needs a network namespace of the lab's own, or root)"));
        var check = Run.Command(Script("check-transcript.sh"), ["--commands", started], r.Output);
        Assert.That(check.ExitCode, Is.EqualTo(0), check.StdOut);

        r = student.Run(InstalledCopy.UnpLab, ["host-shutdown"], env);
        Assert.That(r.ExitCode, Is.EqualTo(77), r.Output);
        Assert.That(r.Output, Does.Contain("lab skipped: its two hosts are network namespaces, and there are none: no user namespace here"));

        Assert.That(student.LeftBehind(), Is.Empty);
    }

    /// <summary>STEP=1 (unp-lab --step): a pause before each step, its prompt on the terminal only.</summary>
    [Test]
    public void StepModePausesBeforeEachStep()
    {
        using var student = new Student();
        if (!student.HasNamespaces()) Assert.Ignore("this kernel gives users no user namespace");
        // script(1): the lab on a terminal, Enter pressed ahead of time for every step.
        var r = student.Run("script", ["-qec", $"'{InstalledCopy.UnpLab}' --step kill-child", "/dev/null"],
                            input: string.Concat(Enumerable.Repeat("\n", 20)));
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Output);
        int steps = System.Text.RegularExpressions.Regex.Matches(r.Output, @"\[step \d+: Enter to go on\]").Count;
        int headings = System.Text.RegularExpressions.Regex.Matches(r.Output, "\n(\u001b\\[1m)?== ").Count;
        Assert.That(steps, Is.EqualTo(headings).And.GreaterThanOrEqualTo(3), r.Output);

        // Off a terminal (setsid: none to inherit from the test's): one line says there are no pauses, and the lab runs.
        r = student.Run("setsid", ["-w", InstalledCopy.UnpLab, "--step", "startup"]);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Output);
        Assert.That(r.Output, Does.StartWith("lab: STEP=1 pauses need a terminal; running without pauses\n"));
        Assert.That(r.Output, Does.Not.Contain("[step"));
    }
}
