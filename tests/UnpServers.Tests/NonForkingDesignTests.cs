namespace UnpServers.Tests;

/// <summary>
/// The designs that never fork (UNP 30.10-30.12, 6.8, 6.11, epoll), beyond what DesignTests
/// checks in every design (bytes, 16 clients, SIGTERM, usage): a client that never reads
/// stopping only itself, the signals, the log, and what ps shows (named threads, no children).
/// </summary>
[TestFixtureSource(typeof(DesignTests), nameof(DesignTests.NonForking))]
public class NonForkingDesignTests(string design) : SharedEchoServer("--model", design)
{
    [Test]
    public void AClientThatNeverReadsDoesNotStopTheOthers()
    {
        using Socket hog = NeverReader(Server.Port);
        using var other = Loopback.Connect(Server.Port, timeoutMs: 5000);
        Assert.That(TestSocket.Line(other, "still served"), Is.EqualTo("still served\n"));
        using var fresh = Loopback.Connect(Server.Port, timeoutMs: 5000);
        Assert.That(TestSocket.Line(fresh, "and new ones"), Is.EqualTo("and new ones\n"));
    }

    [Test]
    public void UsrOneLogsTheStatsLineWithTheActiveConnections()
    {
        using var held = Loopback.Connect(Server.Port);
        TestSocket.Line(held, "held");
        int before = Server.CountLog(new("^stats: "));
        Server.Signal(SIGUSR1);
        Assert.That(Wait.Until(() => Server.CountLog(new("^stats: ")) > before, 5000), Is.True, "a stats line");
        string stats = Server.LogLines().Last(l => l.StartsWith("stats: "));
        Assert.That(stats, Does.Match(@"^stats: accepted \d+, active [1-9]\d*, peak active [1-9]\d*, log lines lost 0$"), "no children: no reaped nor fork failures");
        Server.WaitForLog(new(@"^connection from 127\.0\.0\.1, port \d+$"), 5000);
    }

    [Test]
    public void EveryThreadKeepsTheHandledSignalsBlocked()
    {
        using var held = Loopback.Connect(Server.Port);
        TestSocket.Line(held, "held"); // the thread design has a connection thread now
        ulong handled = 0;
        foreach (int sig in (int[])[SIGHUP, SIGINT, SIGUSR1, SIGTERM, SIGCHLD]) handled |= 1UL << (sig - 1);
        var tasks = Directory.GetDirectories($"/proc/{Server.Pid}/task");
        Assert.That(tasks, Is.Not.Empty);
        foreach (string task in tasks)
        {
            string? line = null;
            try { line = File.ReadAllLines(Path.Combine(task, "status")).FirstOrDefault(l => l.StartsWith("SigBlk:")); }
            catch (IOException) { continue; } // a thread that has just ended
            if (line == null) continue;
            ulong blocked = Convert.ToUInt64(line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1].Trim(), 16);
            Assert.That(blocked & handled, Is.EqualTo(handled), $"{task}: SigBlk {blocked:x}");
        }
    }

    [Test]
    public void PsShowsTheDesign()
    {
        using var held = Loopback.Connect(Server.Port);
        TestSocket.Line(held, "held");
        string[] comms = [];
        bool Shows(Func<string[], bool> what) => Wait.Until(() => what(comms = ThreadNames(Server.Pid)), 5000);
        switch (design)
        {
            case "thread":
                Assert.That(Shows(c => c.Contains("echo 127.0.0.1")), Is.True, string.Join(", ", comms));
                break;
            case "prethread":
                Assert.That(Shows(c => c.Count(n => Regex.IsMatch(n, @"^prethread \d+$")) == 8), Is.True, string.Join(", ", comms));
                break;
            case "prethread-main":
                Assert.That(Shows(c => c.Count(n => Regex.IsMatch(n, @"^worker \d+$")) == 8), Is.True, string.Join(", ", comms));
                break;
            default:
                // One process, one thread of ours: the runtime's own (finalizer...) aside, only the main thread.
                Assert.That(Shows(c => c.Count(n => n == "echosrv") == 1 && !c.Any(n => n.StartsWith("echo ") || n.StartsWith("worker"))), Is.True, string.Join(", ", comms));
                break;
        }
        Assert.That(ProcFs.Children(Server.Pid), Is.Empty, "no child processes");
    }

    private static string[] ThreadNames(int pid)
    {
        try
        {
            return Directory.GetDirectories($"/proc/{pid}/task")
                            .Select(t => { try { return File.ReadAllText(Path.Combine(t, "comm")).Trim(); } catch (IOException) { return ""; } })
                            .ToArray();
        }
        catch (DirectoryNotFoundException) { return []; }
    }

    /// <summary>
    /// SIGTERM with clients held, one of them blocked in the server's write (it never reads):
    /// every connection ends, the threads are joined, "stopped", exit 0, nothing left.
    /// </summary>
    [Test]
    public void SigtermEndsEveryConnectionAndExitsZero()
    {
        using var server = ServerProcess.StartEcho(design.StartsWith("prethread") ? ["--model", design, "--workers", "3"] : ["--model", design]);
        var idle = Enumerable.Range(0, 2).Select(_ => Loopback.Connect(server.Port)).ToList();
        foreach (Socket c in idle) TestSocket.Line(c, "x");
        using Socket hog = NeverReader(server.Port);

        server.Signal(SIGTERM);
        Assert.That(server.WaitForExit(10000), Is.EqualTo(0), "exit status 0 within 10 s");
        server.WaitForLog(new("^stopped$"), 1000);
        Assert.That(ProcFs.Exists(server.Pid), Is.False, "the server is gone");
        foreach (Socket c in idle)
        {
            Assert.That(TestSocket.ReadToEnd(c), Is.Empty, "each client sees its connection close");
            c.Dispose();
        }
        Assert.Throws<SocketException>(() => Loopback.Connect(server.Port).Dispose(), "the listener is closed");
    }

    /// <summary>
    /// A client that sends until the server's echo has filled every buffer between them, and
    /// never reads. Returns when its sends no longer go through (bounded).
    /// </summary>
    internal static Socket NeverReader(int port)
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        s.Connect(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port));
        s.Blocking = false;
        byte[] chunk = new byte[65536];
        long deadline = Environment.TickCount64 + 10000, stalledSince = -1;
        while (Environment.TickCount64 < deadline)
        {
            try
            {
                s.Send(chunk);
                stalledSince = -1;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.WouldBlock)
            {
                if (stalledSince < 0) stalledSince = Environment.TickCount64;
                else if (Environment.TickCount64 - stalledSince > 300) break; // the server no longer takes any
                Thread.Sleep(20);
            }
        }
        return s;
    }
}

/// <summary>--user, --keepalive, SIGHUP and --idle-timeout, each in the designs where it is theirs to get right.</summary>
[TestFixture]
public class NonForkingDesignOptionTests
{
    [TestCase("thread")]
    [TestCase("epoll")]
    public void ServesAsTheUserWithKeepaliveOnTheConnection(string design)
    {
        if (LibC.geteuid() != 0) Assert.Ignore("--user needs root to drop from");
        Assert.That(Unp.Privileges.Getpwnam("nobody", out uint uid, out _), Is.True);
        using var server = ServerProcess.Start("echosrv", ["--model", design, "--user", "nobody", "--keepalive", "9"], logToStdout: true);
        using var s = Loopback.Connect(server.Port);
        Assert.That(TestSocket.Line(s, "as nobody"), Is.EqualTo("as nobody\n"));
        foreach (string task in Directory.GetDirectories($"/proc/{server.Pid}/task"))
        {
            string uids = File.ReadAllLines(Path.Combine(task, "status")).First(l => l.StartsWith("Uid:"));
            Assert.That(uids.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1..], Is.All.EqualTo(uid.ToString()), $"{task}: {uids}");
        }
        int clientPort = ((System.Net.IPEndPoint)s.LocalEndPoint!).Port;
        var ss = Run.Shell($"ss -tno state established '( sport = :{server.Port} and dport = :{clientPort} )'");
        Assert.That(ss.StdOut, Does.Contain("keepalive"), ss.StdOut);
    }

    /// <summary>The signals are the core's; the stop without --log is each design's: one with threads, one without.</summary>
    [TestCase("prethread")]
    [TestCase("epoll")]
    public void SighupReopensTheLogAndWithoutALogStops(string design)
    {
        using (var server = ServerProcess.StartEcho("--model", design))
        {
            File.Move(server.LogPath, server.LogPath + ".1");
            try
            {
                server.Signal(SIGHUP);
                server.WaitForLog(new("^received SIGHUP; log reopened$"), 5000);
                using var c = Loopback.Connect(server.Port);
                Assert.That(TestSocket.Line(c, "after hup"), Is.EqualTo("after hup\n"));
            }
            finally { File.Delete(server.LogPath + ".1"); }
        }
        using var plain = ServerProcess.Start("echosrv", ["--model", design], logToStdout: true);
        plain.Signal(SIGHUP);
        Assert.That(plain.WaitForExit(10000), Is.EqualTo(0));
        plain.WaitForLog(new("^received SIGHUP, no --log file to reopen: stopping$"), 1000);
    }

    /// <summary>The multiplexers' own deadlines (the thread designs run str_echo, as a forked child does: IdleTimeoutTests).</summary>
    [TestCase("select")]
    [TestCase("poll")]
    [TestCase("epoll")]
    public void IdleTimeoutClosesAnIdleClientAndOneThatNeverReads(string design)
    {
        using var server = ServerProcess.StartEcho("--model", design, "--idle-timeout", "1");
        var sw = Stopwatch.StartNew();
        using var silent = Loopback.Connect(server.Port);
        using var idle = Loopback.Connect(server.Port);
        TestSocket.Line(idle, "then silence");
        using Socket hog = NonForkingDesignTests.NeverReader(server.Port);
        Assert.That(TestSocket.ReadToEnd(silent), Is.Empty, "a client that sends nothing is closed");
        Assert.That(sw.ElapsedMilliseconds, Is.InRange(700, 5000), "after about 1 s");
        Assert.That(TestSocket.ReadToEnd(idle), Is.Empty, "the idle client is closed");
        Assert.That(Wait.Until(() => server.CountLog(new("^str_echo: idle for 1 s, closing$")) == 2, 5000), Is.True, server.Log);
        server.WaitForLog(new("^str_echo: client has not read for 1 s, closing$"), 5000);
        using var c = Loopback.Connect(server.Port);
        Assert.That(TestSocket.Line(c, "served on"), Is.EqualTo("served on\n"));
    }
}

/// <summary>select's limit (UNP 6.3): a descriptor of FD_SETSIZE or more cannot be watched.</summary>
[TestFixture]
public class SelectFdSetSizeTests
{
    [Test]
    public void AConnectionBeyondFdSetSizeIsRefusedWithALogLineAndTheServerServesOn()
    {
        using var server = ServerProcess.StartEcho("--model", "select", "--max-children", "2000"); // the default 256 would stop accepting first
        string limits = File.ReadAllText($"/proc/{server.Pid}/limits");
        long soft = long.Parse(Regex.Match(limits, @"Max open files\s+(\d+)").Groups[1].Value);
        if (soft < 1200) Assert.Ignore($"the server may open only {soft} descriptors; this needs 1200");

        var clients = new List<Socket>();
        try
        {
            for (int i = 0; i < 1100; i++) clients.Add(Loopback.Connect(server.Port));
            server.WaitForLog(new(@"^select: too many clients: descriptor 10\d\d is beyond FD_SETSIZE \(1024\); connection closed$"), 10000);
            Assert.That(TestSocket.ReadToEnd(clients[^1]), Is.Empty, "the last client, beyond FD_SETSIZE, is closed");
            Assert.That(TestSocket.Line(clients[0], "first"), Is.EqualTo("first\n"), "clients below FD_SETSIZE are served");
            for (int i = 0; i < 10; i++) clients[i].Dispose();
            // The server sees those ten closes and frees their descriptors: a newcomer is served.
            Socket? fresh = null;
            Assert.That(Wait.Until(() =>
            {
                fresh?.Dispose();
                fresh = Loopback.Connect(server.Port, timeoutMs: 2000);
                try { return TestSocket.Line(fresh, "fresh") == "fresh\n"; }
                catch (SocketException) { return false; }
            }, 10000, 100), Is.True, "a new client is served once descriptors are free");
            fresh?.Dispose();
        }
        finally
        {
            foreach (Socket c in clients) c.Dispose();
        }
    }
}
