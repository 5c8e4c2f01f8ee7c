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

    [TestCase("ENETDOWN", "Network is down")]
    [TestCase("EPROTO", "Protocol error")]
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
