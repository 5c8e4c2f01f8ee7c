namespace UnpServers.Tests;

/// <summary>UNP 5.8-5.10: five clients close at the same moment.</summary>
[TestFixture]
public class ReapingTests
{
    private static void FiveClientsCloseTogether(ServerProcess server)
    {
        var clients = Enumerable.Range(0, 5).Select(_ => Loopback.Connect(server.Port)).ToList();
        foreach (Socket c in clients) Assert.That(TestSocket.Line(c, "tcpcli04"), Is.EqualTo("tcpcli04\n"));
        Assert.That(Wait.Until(() => server.Children().Length == 5, 5000), Is.True, "five children serve five clients");
        foreach (Socket c in clients) c.Close(); // five FINs at once: five children exit together
    }

    [TestCase("fork")]
    [TestCase("exec")]
    public void WaitpidLeavesNoZombie(string mode)
    {
        using var server = ServerProcess.StartEcho(Modes.Args(mode));
        FiveClientsCloseTogether(server);
        Assert.That(Wait.Until(() => server.CountLog(new(@"^child \d+ terminated, exit status 0$")) == 5, 5000), Is.True, server.Log);
        // All five are logged as reaped: none may be left, whatever the order of the signals.
        Assert.That(Wait.Until(() => ProcFs.Zombies(server.Pid).Length == 0 && server.Children().Length == 0, 5000), Is.True,
            $"zombies after five were reaped: {string.Join(' ', ProcFs.Zombies(server.Pid))}");
    }

    /// <summary>SIGUSR1 and its stats line: the server has handled every signal sent before it.</summary>
    private static string StatsNow(ServerProcess server)
    {
        int before = server.CountLog(new("^stats: "));
        server.Signal(SIGUSR1);
        Assert.That(Wait.Until(() => server.CountLog(new("^stats: ")) > before, 5000), Is.True, server.Log);
        return server.LogLines().Last(l => l.StartsWith("stats: "));
    }

    [TestCase("fork")]
    [TestCase("exec")]
    public void ReapNoneLeavesExactlyFiveZombies(string mode)
    {
        using var server = ServerProcess.StartEcho([.. Modes.Args(mode), "--reap", "none"]);
        FiveClientsCloseTogether(server);
        // A zombie is whole once its last thread is gone: an exec'd child is a multi-threaded .NET
        // process, whose leader shows Z while other threads still exit, and SIGCHLD comes after them.
        Assert.That(Wait.Until(() => ProcFs.Zombies(server.Pid).Count(z => ProcFs.ThreadCount(z) == 1) == 5, 5000), Is.True,
            $"states: {string.Join(' ', server.Children().Select(ProcFs.State))}");
        // Every SIGCHLD was sent before the SIGUSR1, so the stats line comes after all of them.
        Assert.That(StatsNow(server), Is.EqualTo("stats: accepted 5, active 0, reaped 0, peak active 5, fork failures 0, log lines lost 0"));
        Assert.That(ProcFs.Zombies(server.Pid), Has.Length.EqualTo(5));
        Assert.That(server.CountLog(new(@"terminated")), Is.EqualTo(0), "nothing reaps in tcpserv01");
    }

    [Test]
    public void ReapWaitCollectsOnePerSignalAndKeepsServing()
    {
        using var server = ServerProcess.StartEcho("--reap", "wait");
        var clients = Enumerable.Range(0, 5).Select(_ => Loopback.Connect(server.Port)).ToList();
        foreach (Socket c in clients) Assert.That(TestSocket.Line(c, "tcpcli04"), Is.EqualTo("tcpcli04\n"));
        Assert.That(Wait.Until(() => server.Children().Length == 5, 5000), Is.True, "five children serve five clients");
        int[] kids = server.Children();
        // Stopped, the server cannot read a SIGCHLD before the next child exits: the five
        // exits leave one pending SIGCHLD (standard signals are not queued, UNP 5.9), and
        // tcpserv03 calls wait() once for it. A waitpid loop would collect all five.
        server.Signal(SIGSTOP);
        try
        {
            Assert.That(Wait.Until(() => ProcFs.State(server.Pid) == 'T', 5000), Is.True, "the server is stopped");
            foreach (Socket c in clients) c.Close();
            Assert.That(Wait.Until(() => kids.All(k => ProcFs.State(k) == 'Z'), 5000), Is.True,
                $"five zombies: {string.Join(' ', kids.Select(ProcFs.State))}");
        }
        finally { server.Signal(SIGCONT); }
        Assert.That(StatsNow(server), Is.EqualTo("stats: accepted 5, active 0, reaped 1, peak active 5, fork failures 0, log lines lost 0"));
        Assert.That(server.CountLog(new(@"^child \d+ terminated, exit status 0$")), Is.EqualTo(1), server.Log);
        Assert.That(ProcFs.Zombies(server.Pid), Has.Length.EqualTo(4), "four zombies stay");

        // It still serves; when this client leaves, its SIGCHLD brings one more wait().
        using (var s = Loopback.Connect(server.Port))
            Assert.That(TestSocket.Line(s, "still here"), Is.EqualTo("still here\n"));
        Assert.That(Wait.Until(() => server.CountLog(new(@"^child \d+ terminated")) == 2, 5000), Is.True, server.Log);
        Assert.That(StatsNow(server), Is.EqualTo("stats: accepted 6, active 0, reaped 2, peak active 5, fork failures 0, log lines lost 0"));
        Assert.That(ProcFs.Zombies(server.Pid), Has.Length.EqualTo(4), "one wait() per SIGCHLD: still four zombies");
    }

    [Test]
    public void ReapIgnoreLetsTheKernelReap()
    {
        using var server = ServerProcess.StartEcho("--reap", "ignore");
        FiveClientsCloseTogether(server);
        Assert.That(Wait.Until(() => server.Children().Length == 0, 5000), Is.True, "the kernel reaps: no zombie, no child");
        // The stats line must count all five even when their SIGCHLD is still pending behind
        // SIGUSR1 (signalfd reads the lower number first): once stats is logged, it is final.
        server.Signal(SIGUSR1);
        server.WaitForLog(new(@"^stats: "), 5000);
        Assert.That(server.LogLines().Where(l => l.StartsWith("stats: ")),
            Is.EqualTo(new[] { "stats: accepted 5, active 0, reaped by the kernel 5, peak active 5, fork failures 0, log lines lost 0" }),
            "the parent reaped none of them (issue 20): " + server.Log);
        Assert.That(server.CountLog(new(@"terminated")), Is.EqualTo(0), "nobody calls wait(): no exit status to log");
    }
}
