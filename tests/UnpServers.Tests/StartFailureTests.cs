namespace UnpServers.Tests;

/// <summary>
/// Children and threads that cannot start (issue 20, defects 5 and 6): forks that fail at
/// RLIMIT_NPROC, pre-forked children that die at once, a thread that cannot be created. The
/// server backs off with growing pauses, says so in a few lines, loses no client, and recovers.
/// RLIMIT_NPROC counts every process and thread of a real uid and does not bind root, so the
/// server runs as a uid of its own (setpriv), with prlimit setting the limit.
/// </summary>
[TestFixture]
public class StartFailureTests
{
    /// <summary>A uid nothing else on this machine runs as, so the limit counts this server only.</summary>
    private static readonly int Uid = 61000 + Random.Shared.Next(3000);

    /// <summary>
    /// echosrv as Uid, with at most nproc processes and threads for that uid (the parent is 2:
    /// its main thread and the runtime's finalizer; the hard limit stays, so that the soft one
    /// can be raised again), logging into a directory Uid can write.
    /// </summary>
    private static ServerProcess StartLimited(int nproc, out string dir, params string[] args)
    {
        if (LibC.geteuid() != 0) Assert.Ignore("running the server as another uid needs root; these tests run as a user");
        dir = Directory.CreateTempSubdirectory("unp-nproc-").FullName;
        File.SetUnixFileMode(dir, (UnixFileMode)0x1ff); // 0777
        string log = Path.Combine(dir, "echosrv.log");
        string[] argv = [$"--nproc={nproc}:", "setpriv", $"--reuid={Uid}", $"--regid={Uid}", "--clear-groups",
                         WorldReadableBin.Program("echosrv"), "--port", "0", "--log", log, .. args];
        try { return ServerProcess.StartExactly("/usr/bin/prlimit", argv, log, logToStdout: false); }
        catch
        {
            Directory.Delete(dir, recursive: true);
            throw;
        }
    }

    /// <summary>
    /// Raises the soft limit to the hard one, as Uid: root here may lack CAP_SYS_RESOURCE (a
    /// container), which prlimit(2) needs for another user's process.
    /// </summary>
    private static void RaiseLimit(ServerProcess server)
    {
        string hard = File.ReadLines($"/proc/{server.Pid}/limits").Single(l => l.StartsWith("Max processes"))
                          .Split(' ', StringSplitOptions.RemoveEmptyEntries)[3];
        var raise = Run.Command("setpriv", [$"--reuid={Uid}", $"--regid={Uid}", "--clear-groups",
                                            "prlimit", "--pid", server.Pid.ToString(), $"--nproc={hard}:"]);
        Assert.That(raise.ExitCode, Is.EqualTo(0), raise.StdErr);
    }

    /// <summary>SIGUSR1, and the "fork failures N" of the stats line that answers it.</summary>
    private static int ForkFailures(ServerProcess server)
    {
        int before = server.CountLog(new("^stats: "));
        server.Signal(SIGUSR1);
        Assert.That(Wait.Until(() => server.CountLog(new("^stats: ")) > before, 5000), Is.True, server.Log);
        return int.Parse(Regex.Match(server.LogLines().Last(l => l.StartsWith("stats: ")), @"fork failures (\d+)").Groups[1].Value);
    }

    [Test]
    public void PreforkForksThatFailAreTriedAgainWithGrowingPausesAndSummarised()
    {
        using var server = StartLimited(4, out string dir, "--model", "prefork", "--workers", "8");
        try
        {
            // Two children fit; the third fork fails, before "listening on", and is said once.
            server.WaitForLog(new(@"^fork error: Resource temporarily unavailable \(EAGAIN\); 2 of 8 children running, next try in \d+ ms$"), 5000);
            var clock = Stopwatch.StartNew();
            // One fork is tried per round, after 100 ms, then 200, 400, 800: five failures take
            // 700 ms at least. The old loop tried every empty slot every second: six at once.
            Assert.That(Wait.Until(() => ForkFailures(server) >= 5, 15000, pollMs: 200), Is.True, server.Log);
            Assert.That(clock.ElapsedMilliseconds, Is.GreaterThanOrEqualTo(500), "growing pauses between the tries\n" + server.Log);
            Assert.That(server.CountLog(new("^fork error")), Is.EqualTo(1), "said once, then summarised at most once a minute\n" + server.Log);
            Assert.That(TestSocket.RoundTrip(server.Port, "served\n"u8.ToArray()), Is.EqualTo("served\n"u8.ToArray()), "the two children serve");

            RaiseLimit(server);
            server.WaitForLog(new(@"^8 of 8 children running again, after \d+ failed forks in \d+ s$"), 20000);
            Assert.That(Wait.Until(() => server.Children().Length == 8, 5000), Is.True, server.Log);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    /// <summary>
    /// The accept lock fails in every new child (strace makes its fcntl fail with ENOLCK): each
    /// child logs the lock error and exits 1 at once. Its replacements come one at a time, with
    /// growing pauses, instead of a fork loop at full speed.
    /// </summary>
    [Test]
    public void PreforkChildrenThatDieAtOnceAreReplacedWithGrowingPauses()
    {
        using var server = ServerProcess.StartEcho("--model", "prefork-flock", "--workers", "2");
        int[] kids = [];
        Assert.That(Wait.Until(() => (kids = server.Children()).Length == 2, 5000), Is.True);
        var lockError = new Regex(@"^child \d+: my_lock_wait error: No locks available \(ENOLCK\)$");
        using (new Strace(server.Pid, "-f", "-e", "trace=fcntl", "-e", "inject=fcntl:error=ENOLCK"))
        {
            server.SignalChild(kids[0], SIGKILL); // its replacement, and theirs, are traced
            server.WaitForLog(lockError, 10000);
            var clock = Stopwatch.StartNew();
            // Replaced at once, then after 200, 400, 800 ms: five lock errors take 1.4 s at least.
            Assert.That(Wait.Until(() => server.CountLog(lockError) >= 5, 20000), Is.True, server.Log);
            Assert.That(clock.ElapsedMilliseconds, Is.GreaterThanOrEqualTo(1000), "growing pauses between the replacements\n" + server.Log);
            Assert.That(server.CountLog(lockError), Is.LessThan(8), server.Log);
        }
        Assert.That(server.Log, Does.Not.Contain("accept error"), "a lock error is named as one");
        Assert.That(server.Log, Does.Contain(" ms); forked "), "the replacement line says how long the child lived");
    }

    /// <summary>
    /// --model thread at RLIMIT_NPROC: the client's thread cannot start. It is said in the kit's
    /// words, the client waits instead of being closed, the tries come with growing pauses, and
    /// the client is served once threads can start again.
    /// </summary>
    [Test]
    public void AThreadThatCannotStartLeavesItsClientWaitingAndIsTriedAgain()
    {
        using var server = StartLimited(2, out string dir, "--model", "thread");
        try
        {
            using var s = Loopback.Connect(server.Port);
            s.Send("waited\n"u8);
            var failed = new Regex(@"^pthread_create error: Resource temporarily unavailable \(EAGAIN\); the client waits$");
            server.WaitForLog(failed, 5000);
            var clock = Stopwatch.StartNew();
            // Pauses of 100, 200, 400 ms between the tries: 3 more take 700 ms at least.
            Assert.That(Wait.Until(() => server.CountLog(failed) >= 4, 10000), Is.True, server.Log);
            Assert.That(clock.ElapsedMilliseconds, Is.GreaterThanOrEqualTo(500), server.Log);
            Assert.That(server.Log, Does.Not.Contain("Exception"));

            RaiseLimit(server);
            Assert.That(TestSocket.ReadExactly(s, 7), Is.EqualTo("waited\n"u8.ToArray()), "the waiting client is served\n" + server.Log);
            using var next = Loopback.Connect(server.Port);
            Assert.That(TestSocket.Line(next, "next"), Is.EqualTo("next\n"));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
