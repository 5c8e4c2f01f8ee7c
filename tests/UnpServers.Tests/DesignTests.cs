using System.Runtime.InteropServices;

namespace UnpServers.Tests;

/// <summary>
/// UNP chapter 30: every server design of echosrv --model serves the same bytes, stops the same
/// way, and logs the same lines. The pre-forked ones also keep their N children.
/// </summary>
[TestFixture]
public class DesignTests
{
    /// <summary>Every design that serves clients concurrently; each test below runs once per design.</summary>
    public static readonly string[] Concurrent = ["fork", "prefork", "prefork-flock", "prefork-mutex", "prefork-pass",
                                                  "thread", "prethread", "prethread-main", "select", "poll", "epoll"];

    public static readonly string[] Preforked = ["prefork", "prefork-flock", "prefork-mutex", "prefork-pass"];

    /// <summary>The designs that never fork (UNP 30.10-30.12, 6.8, 6.11, epoll): NonForkingDesignTests runs its own tests on them.</summary>
    public static readonly string[] NonForking = ["thread", "prethread", "prethread-main", "select", "poll", "epoll"];

    private static bool Prethreaded(string design) => design is "prethread" or "prethread-main";

    /// <summary>
    /// 16 clients at once, each with a sender task: without enough pool threads from the start,
    /// a client can stall long enough for the server's --idle-timeout to close it.
    /// </summary>
    [OneTimeSetUp]
    public void EnoughThreadsForSixteenClients()
    {
        ThreadPool.GetMinThreads(out int workers, out int io);
        ThreadPool.SetMinThreads(Math.Max(workers, 48), Math.Max(io, 48));
    }

    /// <summary>Few children: every test starts a server, on a machine the whole suite shares.</summary>
    private static string[] Args(string design, params string[] more)
        => ["--model", design, .. Preforked.Contains(design) || Prethreaded(design) ? ["--workers", "3"] : Array.Empty<string>(), .. more];

    private static ServerProcess Start(string design, params string[] more)
        => ServerProcess.Start("echosrv", Args(design, more), new Dictionary<string, string> { ["UNPSERVERS_CHILD_ALLOC_REPORT"] = "1" });

    [TestCaseSource(nameof(Concurrent))]
    public void EchoesByteExactSmallLargeAndSixteenAtOnce(string design)
    {
        // --idle-timeout: the bytes go through the timed reads and writes. Closing an idle client,
        // in every design: IdleTimeoutTests, NonForkingDesignOptionTests.
        using var server = Start(design, "--idle-timeout", "5");
        var random = new Random(30);
        byte[] small = "hello, chapter 30\n"u8.ToArray();
        Assert.That(TestSocket.RoundTrip(server.Port, small), Is.EqualTo(small));
        byte[] large = new byte[1 << 20];
        random.NextBytes(large);
        Assert.That(TestSocket.RoundTrip(server.Port, large), Is.EqualTo(large), "1 MiB, byte for byte");

        var payloads = Enumerable.Range(0, 16).Select(i => { var b = new byte[65536 + i]; random.NextBytes(b); return b; }).ToArray();
        var echoes = payloads.Select(p => Task.Run(() => TestSocket.RoundTrip(server.Port, p))).ToArray();
        Assert.That(Task.WaitAll(echoes, 60000), Is.True, "16 concurrent clients within 60 s");
        for (int i = 0; i < 16; i++) Assert.That(echoes[i].Result, Is.EqualTo(payloads[i]), $"client {i}");

        Assert.That(Wait.Until(() => server.CountLog(new("^connection from 127\\.0\\.0\\.1, port \\d+$")) == 18, 10000), Is.True,
                    "one connection-from line per client:\n" + server.Log);
        if (!NonForking.Contains(design))
            Assert.That(server.LogLines().Where(l => l.Contains(" allocated ")), Is.Not.Empty.And.All.Match(@"^child \d+ allocated 0 bytes$"),
                        "fork-safety R4: children allocate nothing");

        server.Signal(SIGUSR1);
        Match stats = server.WaitForLog(new(@"^stats: accepted (\d+), active \d+, " + (NonForking.Contains(design) ? "peak" : @"reaped \d+, peak")), 5000);
        Assert.That(int.Parse(stats.Groups[1].Value), Is.EqualTo(18), server.Log);
        if (Preforked.Contains(design))
        {
            Match meter = server.WaitForLog(new(@"^connections per child: (\d+ \d+(, )?){3}$"), 5000);
            long sum = Regex.Matches(meter.Value, @"\d+ (\d+)").Sum(m => long.Parse(m.Groups[1].Value));
            Assert.That(sum, Is.EqualTo(18), "the per-child counts add up (no child was replaced)");
        }
    }

    [TestCaseSource(nameof(Concurrent))]
    public void SigtermStopsTheDesignAndLeavesNothingBehind(string design)
    {
        using var server = Start(design);
        var clients = Enumerable.Range(0, 2).Select(_ => Loopback.Connect(server.Port)).ToList();
        foreach (Socket c in clients) Assert.That(TestSocket.Line(c, "held"), Is.EqualTo("held\n"));
        int expected = Preforked.Contains(design) ? 3 : NonForking.Contains(design) ? 0 : 2;
        int[] kids = [];
        Assert.That(Wait.Until(() => (kids = server.Children()).Length == expected, 5000), Is.True, $"{expected} children: ps shows the design");

        server.Signal(SIGTERM);
        Assert.That(server.WaitForExit(10000), Is.EqualTo(0), "exit status 0\n" + server.Log);
        Assert.That(kids.Where(ProcFs.Exists), Is.Empty, "no child left behind, not even a zombie");
        foreach (Socket c in clients)
        {
            Assert.That(TestSocket.ReadToEnd(c), Is.Empty, "each held client sees its connection close");
            c.Dispose();
        }
        Assert.That(server.LogLines(), Does.Contain("received SIGTERM, stopping").And.Contain("stopped"));
    }

    [TestCaseSource(nameof(Preforked))]
    public void KillingAChildLosesAtMostItsConnectionAndAReplacementAppears(string design)
    {
        using var server = Start(design);
        int[] kids = [];
        Assert.That(Wait.Until(() => (kids = server.Children()).Length == 3, 5000), Is.True);
        var clients = Enumerable.Range(0, 2).Select(_ => Loopback.Connect(server.Port)).ToList();
        foreach (Socket c in clients) Assert.That(TestSocket.Line(c, "before"), Is.EqualTo("before\n"));

        int victim = kids[0];
        server.SignalChild(victim, SIGKILL);

        Match replaced = server.WaitForLog(new($@"^child {victim} is gone; forked (\d+) in its place$"), 10000);
        int successor = int.Parse(replaced.Groups[1].Value);
        Assert.That(Wait.Until(() => server.Children().Contains(successor) && server.Children().Length == 3, 5000), Is.True,
                    "N children again, the new one among them");
        Assert.That(ProcFs.Exists(victim) && ProcFs.State(victim) != 'Z', Is.False, "the killed child is reaped");

        int cut = 0;
        foreach (Socket c in clients)
        {
            try { if (TestSocket.Line(c, "after") != "after\n") cut++; }
            catch (SocketException) { cut++; }
            c.Dispose();
        }
        Assert.That(cut, Is.LessThanOrEqualTo(1), "at most the killed child's own connection is lost");
        for (int i = 0; i < 4; i++)
            Assert.That(TestSocket.RoundTrip(server.Port, "new\n"u8.ToArray()), Is.EqualTo("new\n"u8.ToArray()), "new clients are served");
    }

    /// <summary>
    /// A child that dies in the same batch of signals as the stop (a ^C reaches the whole
    /// process group) is not replaced: the stopping parent forks nothing. The parent is held
    /// with SIGSTOP so that the child's SIGCHLD and the SIGTERM are read together.
    /// </summary>
    [Test]
    public void AStoppingPreforkParentDoesNotReplaceAChildThatDiedWithTheStop()
    {
        using var server = Start("prefork");
        int[] kids = [];
        Assert.That(Wait.Until(() => (kids = server.Children()).Length == 3, 5000), Is.True);
        server.Signal(SIGSTOP);
        Assert.That(Wait.Until(() => ProcFs.State(server.Pid) == 'T', 5000), Is.True, "the parent is stopped");
        server.SignalChild(kids[0], SIGINT);
        Assert.That(Wait.Until(() => ProcFs.State(kids[0]) == 'Z', 5000), Is.True, "the child died; its SIGCHLD is pending");
        server.Signal(SIGTERM);
        server.Signal(SIGCONT);
        Assert.That(server.WaitForExit(10000), Is.EqualTo(0), server.Log);
        Assert.That(server.LogLines().Where(l => l.Contains("in its place")), Is.Empty, "nothing forked while stopping:\n" + server.Log);
    }

    /// <summary>A parent killed outright takes its pre-forked children with it (PR_SET_PDEATHSIG): no orphans accepting on its port.</summary>
    [TestCase("prefork")]
    [TestCase("prefork-pass")]
    public void APreforkParentKilledBySigkillLeavesNoChildServing(string design)
    {
        using var server = Start(design);
        int[] kids = [];
        Assert.That(Wait.Until(() => (kids = server.Children()).Length == 3, 5000), Is.True);
        server.Signal(SIGKILL);
        Assert.That(server.WaitForExit(5000), Is.Not.Null);
        Assert.That(Wait.Until(() => kids.All(k => !ProcFs.Exists(k) || ProcFs.State(k) == 'Z'), 5000), Is.True,
                    "every child ended with its parent");
        var e = Assert.Throws<SocketException>(() => Loopback.Connect(server.Port).Dispose(), "nothing listens on the port");
        Assert.That(e!.SocketErrorCode, Is.EqualTo(SocketError.ConnectionRefused));
    }

    /// <summary>
    /// UNP 30.7, 30.8: the only child holds the accept lock while it blocks in accept(). Killed
    /// there, its successor must still get the lock: the kernel drops a dead process's record
    /// locks, and the mutex is robust (a plain process-shared mutex would stay locked for ever).
    /// </summary>
    [TestCase("prefork-flock")]
    [TestCase("prefork-mutex")]
    public void AChildKilledHoldingTheAcceptLockDoesNotHangTheNext(string design)
    {
        using var server = ServerProcess.Start("echosrv", ["--model", design, "--workers", "1"]);
        int[] kids = [];
        Assert.That(Wait.Until(() => (kids = server.Children()).Length == 1 && InAccept(kids[0]), 5000), Is.True,
                    "the child waits in accept(), holding the lock");
        server.SignalChild(kids[0], SIGKILL);
        server.WaitForLog(new($@"^child {kids[0]} is gone; forked \d+ in its place$"), 10000);
        Assert.That(TestSocket.RoundTrip(server.Port, "still\n"u8.ToArray(), 15000), Is.EqualTo("still\n"u8.ToArray()),
                    "the successor took the lock and accepted");
    }

    /// <summary>Whether pid is blocked in accept4(2), from /proc/PID/syscall.</summary>
    private static bool InAccept(int pid) => ProcFs.Syscall(pid) == ProcFs.SyscallNumber("accept4");

    /// <summary>Issue 24: --exec with a design that does not fork is refused where the server is configured, whatever program configures it.</summary>
    [Test]
    public void ServerOptionsRefuseExecWithADesignThatDoesNotForkPerConnection()
    {
        Assert.That(new Server.ServerOptions { Model = Server.ServerModel.Thread, Exec = true }.Check(),
                    Is.EqualTo("--exec does not apply to --model thread: it is a variant of --model fork (UNP 4.7)"));
        Assert.That(new Server.ServerOptions { Model = Server.ServerModel.Fork, Exec = true }.Check(), Is.Null);
    }
}
