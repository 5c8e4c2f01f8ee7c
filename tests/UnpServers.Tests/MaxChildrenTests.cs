namespace UnpServers.Tests;

/// <summary>--max-children: at the limit, connections wait in the backlog; none is refused.</summary>
[TestFixture]
public class MaxChildrenTests
{
    /// <summary>Every design that takes --max-children (the pre-forked and prethread ones refuse it: --workers is their limit).</summary>
    public static readonly string[] Designs = ["fork", "thread", "prethread-main", "select", "poll", "epoll"];

    /// <summary>
    /// limit + 2 clients queued at once (the server held with SIGSTOP while they connect), so
    /// that one turn of the server's loop meets them all: exactly limit are served, and the
    /// server sleeps while the others wait. Each that leaves lets exactly one more in.
    /// </summary>
    [Test]
    public void AtTheLimitTheOthersWaitAndAreServedAsOthersLeave([ValueSource(nameof(Designs))] string design, [Values(1, 3)] int limit)
    {
        using var server = ServerProcess.StartEcho("--model", design, "--max-children", limit.ToString());
        server.Signal(SIGSTOP);
        List<Socket> clients = [];
        try
        {
            Assert.That(Wait.Until(() => ProcFs.State(server.Pid) == 'T', 5000), Is.True, "the server is stopped");
            // Connected (the kernel completes the handshake into the backlog) in this order, which accept() keeps.
            for (int i = 0; i < limit + 2; i++)
            {
                clients.Add(Loopback.Connect(server.Port));
                clients[i].Send("queued\n"u8.ToArray());
            }
        }
        finally
        {
            server.Signal(SIGCONT);
        }
        for (int i = 0; i < limit; i++) Assert.That(Echo(clients[i]), Is.EqualTo("queued\n"), $"client {i} is served");
        AssertServing(server, accepted: limit, active: limit);
        Assert.That(clients.Skip(limit).Select(s => s.Available), Is.All.EqualTo(0), "nobody serves the others yet");
        if (design == "fork") Assert.That(server.Children(), Has.Length.EqualTo(limit));

        clients[0].Dispose();
        Assert.That(Echo(clients[limit]), Is.EqualTo("queued\n"), "one left: the next is served");
        AssertServing(server, accepted: limit + 1, active: limit);
        Assert.That(clients[limit + 1].Available, Is.Zero, "only one more");

        clients[1].Dispose();
        Assert.That(Echo(clients[limit + 1]), Is.EqualTo("queued\n"), "another left: the last is served");
        foreach (Socket s in clients) s.Dispose();
        Assert.That(Wait.Until(() => server.CountLog(new("^connection from")) == limit + 2, 5000), Is.True, server.Log);
    }

    private static string Echo(Socket s) => System.Text.Encoding.ASCII.GetString(TestSocket.ReadExactly(s, 7));

    /// <summary>
    /// Two SIGUSR1 round trips instead of a sleep: the server handles signals before it
    /// accepts, in the same turn of its loop. Had it polled the listener when it logged the
    /// first stats line, the second would count what it accepted then.
    /// </summary>
    private static void AssertServing(ServerProcess server, int accepted, int active)
    {
        for (int round = 0; round < 2; round++)
        {
            int before = server.CountLog(new("^stats: "));
            server.Signal(SIGUSR1);
            Assert.That(Wait.Until(() => server.CountLog(new("^stats: ")) > before, 5000), Is.True, server.Log);
        }
        Assert.That(server.LogLines().Last(l => l.StartsWith("stats: ")), Does.StartWith($"stats: accepted {accepted}, active {active},"), server.Log);
        // With clients in its backlog, the server must not poll the listener: poll() would
        // return at once, again and again, and /proc would show its main thread always running.
        Assert.That(Wait.Until(() => ProcFs.Syscall(server.Pid) >= 0, 2000), Is.True, "at its limit the server sleeps in its wait; it does not spin");
    }
}
