using System.Net.Sockets;
using UnpServers.Tests.Support;

namespace UnpServers.Tests;

/// <summary>UNP 5.8-5.10: five clients close at the same moment.</summary>
[TestFixture]
public class ReapingTests
{
    private static void FiveClientsCloseTogether(ServerProcess server)
    {
        var clients = Enumerable.Range(0, 5).Select(_ => EchoClient.Connect(server.Port)).ToList();
        foreach (Socket c in clients) Assert.That(EchoClient.Line(c, "tcpcli04"), Is.EqualTo("tcpcli04\n"));
        Assert.That(Wait.Until(() => server.Children().Length == 5, 5000), Is.True, "five children serve five clients");
        foreach (Socket c in clients) c.Close(); // five FINs at once: five children exit together
    }

    [TestCase("fork")]
    [TestCase("exec")]
    public void WaitpidLeavesNoZombie(string mode)
    {
        using var server = ServerProcess.StartEcho(Modes.Args(mode));
        FiveClientsCloseTogether(server);
        Thread.Sleep(500);
        Assert.That(ProcFs.Zombies(server.Pid), Is.Empty, "zombies 500 ms after the clients closed");
        Assert.That(Wait.Until(() => server.CountLog(new(@"^child \d+ terminated, exit status 0$")) == 5, 5000), Is.True, server.Log);
    }

    [TestCase("fork")]
    [TestCase("exec")]
    public void ReapNoneLeavesExactlyFiveZombies(string mode)
    {
        using var server = ServerProcess.StartEcho([.. Modes.Args(mode), "--reap", "none"]);
        FiveClientsCloseTogether(server);
        Assert.That(Wait.Until(() => ProcFs.Zombies(server.Pid).Length == 5, 5000), Is.True,
            $"states: {string.Join(' ', server.Children().Select(ProcFs.State))}");
        Thread.Sleep(200);
        Assert.That(ProcFs.Zombies(server.Pid), Has.Length.EqualTo(5));
        Assert.That(server.CountLog(new(@"terminated")), Is.EqualTo(0), "nothing reaps in tcpserv01");
    }

    [Test]
    public void ReapWaitCollectsOnePerSignalAndKeepsServing()
    {
        using var server = ServerProcess.StartEcho("--reap", "wait");
        FiveClientsCloseTogether(server);
        // Read both until they agree: a late SIGCHLD may reap one between the two reads. At least
        // one SIGCHLD is delivered, so at least one wait() is called; until the server has read
        // it, all five can be zombies with none reaped, which is not yet the end state.
        int reaped = 0, zombies = 0;
        bool settled = Wait.Until(() =>
        {
            int[] kids = server.Children();
            zombies = kids.Count(c => ProcFs.State(c) == 'Z');
            reaped = server.CountLog(new(@"^child \d+ terminated"));
            return zombies == kids.Length && reaped + zombies == 5 && reaped >= 1;
        }, 5000);
        Assert.That(settled, Is.True, $"every child is either reaped ({reaped}, at least 1) or a zombie ({zombies})");
        using var s = EchoClient.Connect(server.Port);
        Assert.That(EchoClient.Line(s, "still here"), Is.EqualTo("still here\n"));
    }

    [Test]
    public void ReapIgnoreLetsTheKernelReap()
    {
        using var server = ServerProcess.StartEcho("--reap", "ignore");
        FiveClientsCloseTogether(server);
        Assert.That(Wait.Until(() => server.Children().Length == 0, 5000), Is.True, "the kernel reaps: no zombie, no child");
        // The stats line must count all five even when their SIGCHLD is still pending behind
        // SIGUSR1 (signalfd reads the lower number first): once stats is logged, it is final.
        server.Signal(Interop.LibC.SIGUSR1);
        server.WaitForLog(new(@"^stats: "), 5000);
        Assert.That(server.LogLines().Where(l => l.StartsWith("stats: ")),
            Is.EqualTo(new[] { "stats: accepted 5, active 0, reaped 5, peak active 5, fork failures 0" }), server.Log);
        Assert.That(server.CountLog(new(@"terminated")), Is.EqualTo(0), "nobody calls wait(): no exit status to log");
    }
}
