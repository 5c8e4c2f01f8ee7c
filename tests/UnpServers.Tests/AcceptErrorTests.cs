namespace UnpServers.Tests;

/// <summary>
/// accept() errors: the ones accept(2) says to retry are retried; any other is fatal, and
/// a fatal one ends the children as SIGTERM does before the server exits 1. The errors are
/// real system-call failures, injected into the running server by strace (ptrace), which
/// `make test` installs: the product carries no test hook.
/// </summary>
[TestFixture]
public class AcceptErrorTests
{
    /// <summary>strace attached to the server's main thread: its next accept4() fails with errno.</summary>
    private static Strace FailNextAccept(int pid, string errno)
        => new(pid, "-e", "trace=accept4", "-e", $"inject=accept4:error={errno}:when=1");

    /// <summary>
    /// UNP 5.9 and 5.11, the design card's accept: EINTR (a slow system call interrupted) and
    /// ECONNABORTED, EPROTO (a client that reset before it was accepted) are logged and retried,
    /// wherever a design accepts: the parent (fork, iterative), a pre-forked child (prefork:
    /// ChildMain's own accept loop), the main thread of a threaded design (thread), one event
    /// loop (epoll). The injected call fails instead of running: the connection stays queued
    /// for the retry, which must take it.
    /// </summary>
    [Test]
    public void AnInterruptedOrAbortedAcceptIsLoggedAndRetried([Values("fork", "iterative", "prefork", "thread", "epoll")] string design,
                                                               [Values("EINTR", "ECONNABORTED", "EPROTO")] string errno)
    {
        using var server = ServerProcess.StartEcho(design == "prefork" ? ["--model", design, "--workers", "1"] : ["--model", design]);
        int[] kids = [];
        // The one pre-forked child accepts; elsewhere the process itself (strace -p: its main thread).
        int acceptor = design != "prefork" ? server.Pid
                     : Wait.Until(() => (kids = server.Children()).Length == 1, 5000) ? kids[0] : 0;
        Assert.That(acceptor, Is.Not.Zero, "the pre-forked child");
        var said = new Regex($@"^(child \d+: )?accept error: {Regex.Escape(Texts[errno])} \({errno}\)"); // retried, or fatal
        using (FailNextAccept(acceptor, errno))
        {
            // The pre-forked child is blocked in accept4 already: the attach interrupts it, and the
            // restarted call is the one that fails, at once. A client connecting meanwhile could
            // complete that accept first, leaving no call to fail before the test gives up.
            if (design == "prefork") server.WaitForLog(said, 5000);
            using var s = Loopback.Connect(server.Port);
            string echo = "";
            try { echo = TestSocket.Line(s, "still served"); }
            catch (SocketException e) { Assert.Fail($"the client was not served ({e.SocketErrorCode}):\n{server.Log}"); }
            Assert.That(echo, Is.EqualTo("still served\n"));
            server.WaitForLog(said, 5000);
            Assert.That(server.LogLines(), Does.Contain($"accept error: {Texts[errno]} ({errno}), retrying"), "retried, and said so");
        }
        Assert.That(server.HasExited, Is.False, server.Log);
        if (design == "prefork") Assert.That(server.Children(), Is.EqualTo(new[] { acceptor }), "the same child, not a replacement:\n" + server.Log);
        using var next = Loopback.Connect(server.Port);
        Assert.That(TestSocket.Line(next, "next"), Is.EqualTo("next\n"));
    }

    private static readonly Dictionary<string, string> Texts = new()
    {
        ["EINTR"] = "Interrupted system call",
        ["ECONNABORTED"] = "Software caused connection abort",
        ["EPROTO"] = "Protocol error",
    };

    /// <summary>The other errors of the connection being accepted, which accept(2) says to treat like EAGAIN.</summary>
    [TestCase("ENETDOWN", "Network is down")]
    [TestCase("ENOPROTOOPT", "Protocol not available")]
    [TestCase("EHOSTDOWN", "Host is down")]
    [TestCase("ENONET", "Machine is not on the network")]
    [TestCase("EHOSTUNREACH", "No route to host")]
    [TestCase("EOPNOTSUPP", "Operation not supported")]
    [TestCase("ENETUNREACH", "Network is unreachable")]
    public void ANetworkErrorOfTheAcceptedConnectionIsRetried(string errno, string text)
    {
        using var server = ServerProcess.StartEcho();
        using (FailNextAccept(server.Pid, errno))
        {
            using var s = Loopback.Connect(server.Port);
            Assert.That(TestSocket.Line(s, "still served"), Is.EqualTo("still served\n"));
        }
        server.WaitForLog(new($@"^accept error: {Regex.Escape(text)} \({errno}\), retrying$"), 5000);
        Assert.That(server.HasExited, Is.False, server.Log);
        using var next = Loopback.Connect(server.Port);
        Assert.That(TestSocket.Line(next, "next"), Is.EqualTo("next\n"));
    }

    [Test]
    public void AFatalAcceptErrorStopsTheChildrenThenExits1()
    {
        using var server = ServerProcess.StartEcho();
        using var first = Loopback.Connect(server.Port);
        Assert.That(TestSocket.Line(first, "served"), Is.EqualTo("served\n"));
        int child = server.Children().Single();

        using (FailNextAccept(server.Pid, "EINVAL"))
        {
            using var second = Loopback.Connect(server.Port); // the kernel completes it; accept() fails
            Assert.That(server.WaitForExit(10000), Is.EqualTo(1), server.Log);
        }
        Assert.That(server.Log, Does.Contain("accept error: Invalid argument (EINVAL)"));
        Assert.That(server.Log, Does.Contain($"child {child} terminated by signal 15 (SIGTERM)"), "ended as SIGTERM ends them");
        Assert.That(server.LogLines().Last(), Is.EqualTo("stopped"));
        Assert.That(TestSocket.ReadToEnd(first), Is.Empty, "the first client sees its connection close");
        Assert.That(ProcFs.Exists(child), Is.False);
    }
}
