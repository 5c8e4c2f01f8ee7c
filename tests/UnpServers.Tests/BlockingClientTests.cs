namespace UnpServers.Tests;

/// <summary>echocli --blocking: tcpcli01's str_cli (UNP 5.5), fgets, write, readline, no poll.</summary>
[TestFixture]
public class BlockingClientTests
{
    [Test]
    public void EchoesEveryByteEvenALastLineWithoutNewline()
    {
        using var server = ServerProcess.StartEcho();
        string input = "one\n" + new string('x', 10000) + "\n\nlast, no newline";
        var r = Run.Program("echocli", ["127.0.0.1", "--port", server.Port.ToString(), "--blocking"], input);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.StdErr);
        Assert.That(r.StdOut, Is.EqualTo(input));
    }

    /// <summary>
    /// UNP 5.12 as the book shows it: the child is killed while the client sits in fgets. The
    /// client's end stays in CLOSE_WAIT (it cannot see the FIN), and only the next line it
    /// writes draws the RST and the "terminated prematurely".
    /// </summary>
    [Test]
    public void AKilledChildIsNoticedOnlyAtTheNextLine()
    {
        using var server = ServerProcess.StartEcho();
        using var cli = ClientProcess.Start("echocli", "127.0.0.1", "--port", server.Port.ToString(), "--blocking");
        cli.Type("before\n");
        Assert.That(Wait.Until(() => cli.StdoutText == "before\n", 10000), Is.True, "the first echo");
        int child = server.Children().Single();
        using (ProcessHandle? h = ProcessHandle.OfChild(child, server.Pid)) h?.Signal(SIGTERM);
        string closeWait = $"ss -Htan state close-wait '( dport = :{server.Port} )' | wc -l";
        Assert.That(Wait.Until(() => Run.Shell(closeWait).StdOut.Trim() == "1", 5000), Is.True, "the client's end in CLOSE_WAIT");
        Assert.That(cli.HasExited, Is.False, "blocked in fgets, the client has not seen the FIN");
        cli.Type("after\n");
        Assert.That(cli.WaitForExit(5000), Is.EqualTo(1), cli.Stderr);
        Assert.That(cli.Stderr.Trim(), Is.EqualTo("str_cli: server terminated prematurely"));
    }

    [Test]
    public void BlockingExcludesTheOtherLessons()
    {
        var r = Run.Program("echocli", ["127.0.0.1", "--blocking", "--linger0"]);
        Assert.That(r.ExitCode, Is.EqualTo(64), r.StdErr);
    }
}
