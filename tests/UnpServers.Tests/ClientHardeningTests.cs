namespace UnpServers.Tests;

/// <summary>
/// Closed or full stdin, stdout and stderr, and echocli -n against a server that serves fewer
/// connections at a time than it opens.
/// </summary>
[TestFixture]
public class ClientHardeningTests : SharedEchoServer
{
    /// <summary>Runs a program from bin/ with redirections applied by the shell (e.g. "&lt;&amp;-"), which then execs it.</summary>
    private static Run.Result Redirected(string redirections, string program, params string[] args)
        => Run.Command("/bin/sh", ["-c", $"exec \"$0\" \"$@\" {redirections}", Repo.Program(program), .. args], timeoutMs: 10000);

    [Test]
    public void EchocliWithStdinClosedFailsAtOnceWithEbadf()
    {
        // The runtime puts a pipe of its own on a closed fd 0; reading it waited for ever.
        var r = Redirected("<&-", "echocli", "127.0.0.1", "--port", Port);
        Assert.That(r.ExitCode, Is.EqualTo(1), r.StdErr);
        Assert.That(r.StdErr, Is.EqualTo("str_cli: read error on stdin: Bad file descriptor (EBADF)\n"));
        r = Redirected("<&-", "echocli", "127.0.0.1", "--port", Port, "--sigpipe-demo");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.StdErr);
        r = Redirected("<&- >&- 2>&-", "echocli", "127.0.0.1", "--port", Port);
        Assert.That(r.ExitCode, Is.EqualTo(1));
    }

    [TestCase("echosrv")]
    [TestCase("daytimesrv")]
    public void InetdWithStdinOrStdoutClosedFailsAtOnce(string program)
    {
        var r = Redirected("<&-", program, "--inetd");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.StdErr);
        Assert.That(r.StdErr, Is.EqualTo("--inetd: read error on stdin: Bad file descriptor (EBADF)\n"));
        r = Redirected("</dev/null >&-", program, "--inetd");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.StdErr);
        Assert.That(r.StdErr, Is.EqualTo("--inetd: write error on stdout: Bad file descriptor (EBADF)\n"));
    }

    [Test]
    public void HelpAndUsageOnAClosedOrFullDescriptorAreAnExitStatusNotAStackTrace()
    {
        var r = Redirected(">&-", "echocli", "--help");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.StdErr);
        Assert.That(r.StdErr, Is.EqualTo("echocli: write error on stdout: Bad file descriptor (EBADF)\n"));
        r = Redirected(">/dev/full", "daytimecli", "--version");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.StdErr);
        Assert.That(r.StdErr, Is.EqualTo("daytimecli: write error on stdout: No space left on device (ENOSPC)\n"));
        r = Redirected("2>&-", "echosrv", "--no-such-option");
        Assert.That(r.ExitCode, Is.EqualTo(64), r.StdOut);
        r = Redirected("2>/dev/full", "echocli", "--no-such-option");
        Assert.That(r.ExitCode, Is.EqualTo(64), r.StdOut);
        r = Redirected(">&- 2>&-", "echosrv", "--version");
        Assert.That(r.ExitCode, Is.EqualTo(1));
    }

    [Test]
    public void EchoesToAClosedStdoutAreAWriteError()
    {
        var r = Run.Command("/bin/sh", ["-c", "echo hi | exec \"$0\" \"$@\" >&-", Repo.Program("echocli"), "127.0.0.1", "--port", Port], timeoutMs: 10000);
        Assert.That(r.ExitCode, Is.EqualTo(1), r.StdErr);
        Assert.That(r.StdErr, Is.EqualTo("str_cli: write error on stdout: Bad file descriptor (EBADF)\n"));
        // Both closed: fd 1 would be a write end of the runtime's own pipe; the echo must not go there.
        r = Run.Command("/bin/sh", ["-c", "echo hi | exec \"$0\" \"$@\" >&- 2>&-", Repo.Program("echocli"), "127.0.0.1", "--port", Port], timeoutMs: 10000);
        Assert.That(r.ExitCode, Is.EqualTo(1));
    }

    [Test]
    public void FiveConnectionsFinishAgainstAServerOfTwoChildren()
    {
        // tcpcli04 reading connection 3's echo while holding 1 and 2 open waited for ever:
        // the server's two children were busy with 1 and 2, and 3 sat in the accept queue.
        using var server = ServerProcess.StartEcho("--max-children", "2");
        var (code, output, stderr) = ClientProcess.Batch("echocli", [], 20000, "127.0.0.1", "--port", server.Port.ToString(), "-n", "5");
        Assert.That(code, Is.EqualTo(0), stderr);
        Assert.That(Encoding.ASCII.GetString(output), Is.EqualTo(string.Concat(Enumerable.Range(1, 5).Select(i => $"connection {i} of 5\n"))));
        Assert.That(Wait.Until(() => server.CountLog(new("^child \\d+ terminated, exit status 0$")) == 5, 5000), Is.True, server.Log);
        server.Signal(SIGUSR1);
        Assert.That(server.WaitForLog(new("^stats: .*"), 5000).Value, Does.Match(", peak active [12],"), "never more than 2 children at once");
    }

    [Test]
    public void ConnectionsAreBounded()
    {
        var r = Run.Program("echocli", ["127.0.0.1", "-n", "10001"]);
        Assert.That(r.ExitCode, Is.EqualTo(64));
        Assert.That(r.StdErr.Split('\n')[0], Is.EqualTo("echocli: -n must be 1..10000, not 10001"));
    }
}
