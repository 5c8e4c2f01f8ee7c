namespace UnpServers.Tests;

/// <summary>UNP 5.12-5.16: killing a child, SIGPIPE, stopping the server; and SIGHUP, SIGUSR1.</summary>
[TestFixture]
public class SignalTests
{
    // Test cases, not attributes: Tmds.LibC's signal numbers are properties, not constants.
    // Signals the runtime has a handler for in the parent: SIGSEGV and SIGFPE (Native AOT's, for
    // null references and stack overflow), SIGABRT and SIGQUIT (the JIT runtime's). A handler left
    // in the child would act for a runtime the child does not have.
    private static readonly object[] Kills =
    [
        new object[] { "fork", SIGTERM, "SIGTERM" }, new object[] { "fork", SIGKILL, "SIGKILL" },
        new object[] { "fork", SIGINT, "SIGINT" }, new object[] { "fork", SIGHUP, "SIGHUP" },
        new object[] { "fork", SIGQUIT, "SIGQUIT" }, new object[] { "fork", SIGABRT, "SIGABRT" },
        new object[] { "fork", SIGSEGV, "SIGSEGV" }, new object[] { "fork", SIGFPE, "SIGFPE" },
        new object[] { "exec", SIGTERM, "SIGTERM" }, new object[] { "exec", SIGKILL, "SIGKILL" },
    ];

    [TestCaseSource(nameof(Kills))]
    public void KillingAChildEndsThatChildOnly(string mode, int sig, string name)
    {
        using var server = ServerProcess.StartEcho(Modes.Args(mode));
        // SIGQUIT, SIGABRT, SIGSEGV and SIGFPE dump core by default: none, here (core_pattern may write it to the working directory).
        var nocore = Run.Command("prlimit", ["--pid", server.Pid.ToString(), "--core=0"]);
        Assert.That(nocore.ExitCode, Is.Zero, nocore.StdErr);
        using var victim = Loopback.Connect(server.Port);
        TestSocket.Line(victim, "victim");
        int[] kids = [];
        Assert.That(Wait.Until(() => (kids = server.Children()).Length == 1, 5000), Is.True);
        int child = kids[0]; // the victim's, taken before the other connects (pids may wrap)
        using var other = Loopback.Connect(server.Port);
        TestSocket.Line(other, "other");
        Assert.That(Wait.Until(() => server.Children().Length == 2, 5000), Is.True);

        server.SignalChild(child, sig);

        byte[] rest = [];
        try { rest = TestSocket.ReadToEnd(victim); }
        catch (SocketException e) { Assert.Fail($"the killed child's client reads no EOF ({e.SocketErrorCode}): the child lives on (state {ProcFs.State(child)}).\n{server.Log}"); }
        Assert.That(rest, Is.Empty, "the killed child's client reads EOF");
        server.WaitForLog(new($@"^child {child} terminated by signal {sig} \({name}\)$"), 5000);
        Assert.That(server.HasExited, Is.False, "the parent survives");
        Assert.That(TestSocket.Line(other, "other again"), Is.EqualTo("other again\n"), "other children are untouched");
        using var fresh = Loopback.Connect(server.Port);
        Assert.That(TestSocket.Line(fresh, "new"), Is.EqualTo("new\n"), "the parent serves new connections");
    }

    [Test]
    public void SigtermStopsTheServerAndItsChildren()
    {
        using var server = ServerProcess.StartEcho();
        var clients = Enumerable.Range(0, 3).Select(_ => Loopback.Connect(server.Port)).ToList();
        foreach (Socket c in clients) TestSocket.Line(c, "x");
        int[] kids = [];
        Assert.That(Wait.Until(() => (kids = server.Children()).Length == 3, 5000), Is.True);

        var sw = Stopwatch.StartNew();
        server.Signal(SIGTERM);
        int? code = server.WaitForExit(2000);
        Assert.That(code, Is.EqualTo(0), $"exit status within 2 s (took {sw.ElapsedMilliseconds} ms)");
        Assert.That(kids.Where(ProcFs.Exists), Is.Empty, "no child left behind");
        foreach (Socket c in clients)
        {
            Assert.That(TestSocket.ReadToEnd(c), Is.Empty, "each client sees its connection close");
            c.Dispose();
        }
        Assert.Throws<SocketException>(() => Loopback.Connect(server.Port).Dispose(), "the listener is closed");
    }

    [Test]
    public void SigintStopsTheServerToo()
    {
        using var server = ServerProcess.StartEcho();
        server.Signal(SIGINT);
        Assert.That(server.WaitForExit(2000), Is.EqualTo(0));
    }

    [Test]
    public void AResetClientDoesNotCrashTheParentAndTheChildExitsNormally()
    {
        using var server = ServerProcess.StartEcho();
        using (var s = Loopback.Connect(server.Port))
        {
            // Send without reading: the child's writes block once our receive buffer is
            // full. Then reset: its next write meets the RST (UNP 5.13).
            byte[] chunk = new byte[1 << 20];
            s.SendTimeout = 500;
            try { for (int i = 0; i < 16; i++) s.Send(chunk); }
            catch (SocketException) { /* our send buffer filled up too: the child is stuck writing */ }
            TestSocket.Reset(s);
        }
        var m = server.WaitForLog(new(@"^child (\d+) terminated, exit status (\d+)$"), 5000);
        Assert.That(m.Groups[2].Value, Is.EqualTo("0"), server.Log);
        Assert.That(server.Log, Does.Contain("str_echo: ").And.Match("(EPIPE|ECONNRESET)"));
        Assert.That(server.Log, Does.Not.Contain("SIGPIPE"));
        using var fresh = Loopback.Connect(server.Port);
        Assert.That(TestSocket.Line(fresh, "alive"), Is.EqualTo("alive\n"));
    }

    /// <summary>
    /// UNP 5.13 in the child, made certain: the child is blocked writing the echo to a client
    /// that does not read, and whose FIN has arrived (CLOSE_WAIT), when the client's RST comes.
    /// A RST in CLOSE_WAIT leaves EPIPE on the socket (in ESTABLISHED it is ECONNRESET), so
    /// the write fails with EPIPE and raises SIGPIPE. Ignored, as it must stay, the child logs
    /// the error and exits 0; at its default action the child would die of it, unlogged.
    /// </summary>
    [TestCase("fork")]
    [TestCase("prefork")]
    public void AChildWritingToAResetClientGetsEpipeAndLogsIt(string design)
    {
        using var server = ServerProcess.StartEcho(design == "fork" ? [] : ["--model", design, "--workers", "1"]);
        int[] kids = [];
        if (design != "fork") Assert.That(Wait.Until(() => (kids = server.Children()).Length == 1, 5000), Is.True, "the one pre-forked child");
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096, SendTimeout = 10000 };
        s.Connect(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, server.Port));
        int port = ((System.Net.IPEndPoint)s.LocalEndPoint!).Port;
        if (design == "fork") Assert.That(Wait.Until(() => (kids = server.Children()).Length == 1, 5000), Is.True, "its child");
        int child = kids[0];
        // The child's send buffer made small, and fixed: autotuning would grow it when our FIN
        // arrives and let the blocked write go on. Set through a copy of the child's socket.
        int pidfd = LibC.pidfd_open(child, 0), conn = -1;
        try
        {
            Assert.That(Wait.Until(() => (conn = ChildSocket.Take(child, pidfd, port, out _)) >= 0, 5000), Is.True, "the child's socket (pidfd_getfd)");
            Assert.That(LibC.setsockopt(conn, SOL_SOCKET, SO_SNDBUF, 4096), Is.Zero);
        }
        finally
        {
            if (conn >= 0) LibC.close(conn);
            if (pidfd >= 0) LibC.close(pidfd);
        }

        // Send, never read, until the echo has filled our receive buffer and the child's send
        // buffer and the child blocks in write(); a chunk at a time, each read by the child
        // before the next, so that its receive buffer has room for our FIN.
        int read = ProcFs.SyscallNumber("read"), write = ProcFs.SyscallNumber("write");
        long Unread() => ProcFs.Tcp(server.Port, port)?.ReceiveQueue ?? -1;
        byte[] chunk = new byte[16384];
        bool blocked = false;
        for (int i = 0; !blocked && i < 64; i++)
        {
            s.Send(chunk);
            Assert.That(Wait.Until(() => (blocked = ProcFs.Syscall(child) == write) || (ProcFs.Syscall(child) == read && Unread() == 0), 5000, 1),
                        Is.True, $"the child reads or blocks writing (syscall {ProcFs.Syscall(child)}, unread {Unread()})");
        }
        Assert.That(blocked, Is.True, "the child blocks in write()");
        s.Shutdown(SocketShutdown.Send);
        Assert.That(Wait.Until(() => ProcFs.Tcp(server.Port, port)?.State == LibC.TCP_CLOSE_WAIT, 5000), Is.True, "our FIN arrived: CLOSE_WAIT");
        Assert.That(ProcFs.Syscall(child), Is.EqualTo(write), "the child still blocks in write()");
        TestSocket.Reset(s);

        server.WaitForLog(new($@"^str_echo: write error: |^child {child} (terminated|is gone)"), 5000);
        Assert.That(server.LogLines(), Does.Contain("str_echo: write error: Broken pipe (EPIPE)"), "the child's write met EPIPE");
        if (design == "fork")
            Assert.That(server.WaitForLog(new($@"^child {child} terminated.*"), 5000).Value, Is.EqualTo($"child {child} terminated, exit status 0"));
        else
            Assert.That(server.Children(), Is.EqualTo(new[] { child }), "the pre-forked child lives on:\n" + server.Log);
        Assert.That(server.Log, Does.Not.Contain("SIGPIPE"));
        using var fresh = Loopback.Connect(server.Port);
        Assert.That(TestSocket.Line(fresh, "alive"), Is.EqualTo("alive\n"));
    }

    [Test]
    public void Sigusr1LogsAStatsLine()
    {
        using var server = ServerProcess.StartEcho();
        for (int i = 0; i < 3; i++) TestSocket.RoundTrip(server.Port, [1, 2, 3]);
        Assert.That(Wait.Until(() => server.CountLog(new("terminated")) == 3, 5000), Is.True);
        server.Signal(SIGUSR1);
        server.WaitForLog(new(@"^stats: accepted 3, active 0, reaped 3, peak active [12], fork failures 0, log lines lost 0$"), 5000);
    }

    [Test]
    public void SighupReopensTheLogFile()
    {
        using var server = ServerProcess.StartEcho();
        string rotated = server.LogPath + ".1";
        File.Move(server.LogPath, rotated); // what logrotate does
        try
        {
            server.Signal(SIGHUP);
            Assert.That(Wait.Until(() => File.Exists(server.LogPath), 5000), Is.True, "the log is created again");
            TestSocket.RoundTrip(server.Port, [42]);
            server.WaitForLog(new(@"^connection from 127\.0\.0\.1"), 5000);
            Assert.That(File.ReadAllText(rotated), Does.Contain("listening on").And.Not.Contain("connection from"));
        }
        finally
        {
            File.Delete(rotated);
        }
    }

    [Test]
    public void SighupWithoutALogFileStopsTheServerLikeTheCOne()
    {
        // `echosrv &` in a terminal that is then closed: the hangup ends it, children and all.
        using var server = ServerProcess.Start("echosrv", [], logToStdout: true);
        using var s = Loopback.Connect(server.Port);
        TestSocket.Line(s, "x");
        int[] kids = [];
        Assert.That(Wait.Until(() => (kids = server.Children()).Length == 1, 5000), Is.True);
        server.Signal(SIGHUP);
        Assert.That(server.WaitForExit(5000), Is.EqualTo(0));
        Assert.That(kids.Where(ProcFs.Exists), Is.Empty);
        Assert.That(server.Log, Does.Contain("received SIGHUP, no --log file to reopen: stopping"));
    }
}
