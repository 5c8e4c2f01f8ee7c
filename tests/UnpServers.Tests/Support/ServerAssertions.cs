using UnpServers.Testing;

namespace UnpServers.Tests.Support;

/// <summary>What the tests ask of a ServerProcess that fails the test when it cannot be done.</summary>
public static class ServerAssertions
{
    /// <summary>Signals one of the server's children; fails the test if pid is not one (any more).</summary>
    public static void SignalChild(this ServerProcess server, int pid, int sig)
    {
        if (!server.TrySignalChild(pid, sig)) Assert.Fail($"pid {pid} is not a child of the server {server.Pid}");
    }
}
