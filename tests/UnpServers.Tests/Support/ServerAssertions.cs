namespace UnpServers.Tests.Support;

/// <summary>What the tests ask of a ServerProcess that fails the test when it cannot be done.</summary>
public static class ServerAssertions
{
    /// <summary>Signals one of the server's children; fails the test if pid is not one (any more).</summary>
    public static void SignalChild(this ServerProcess server, int pid, int sig)
    {
        if (!server.TrySignalChild(pid, sig)) Assert.Fail($"pid {pid} is not a child of the server {server.Pid}");
    }

    /// <summary>Sends sig (named as the log names it, "SIGTERM"); the server must log it, end with "stopped" and exit 0.</summary>
    public static void StopsOn(this ServerProcess server, int sig, string name)
    {
        server.Signal(sig);
        Assert.That(server.WaitForExit(5000), Is.EqualTo(0), server.Log);
        Assert.That(server.LogLines(), Does.Contain($"received {name}, stopping"));
        Assert.That(server.LogLines()[^1], Is.EqualTo("stopped"));
    }
}
