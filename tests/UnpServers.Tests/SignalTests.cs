namespace UnpServers.Tests;

/// <summary>UNP 5.12-5.16: killing a child, SIGPIPE, stopping the server; and SIGHUP, SIGUSR1.</summary>
[TestFixture]
public class SignalTests
{
    // Test cases, not attributes: Tmds.LibC's signal numbers are properties, not constants.
    private static readonly object[] Kills =
    [
        new object[] { "fork", LibC.SIGTERM, "SIGTERM" }, new object[] { "fork", LibC.SIGKILL, "SIGKILL" },
        new object[] { "fork", LibC.SIGINT, "SIGINT" }, new object[] { "fork", LibC.SIGHUP, "SIGHUP" },
        new object[] { "exec", LibC.SIGTERM, "SIGTERM" }, new object[] { "exec", LibC.SIGKILL, "SIGKILL" },
    ];

    [TestCaseSource(nameof(Kills))]
    public void KillingAChildEndsThatChildOnly(string mode, int sig, string name)
    {
        using var server = ServerProcess.StartEcho(Modes.Args(mode));
        using var victim = Loopback.Connect(server.Port);
        TestSocket.Line(victim, "victim");
        int[] kids = [];
        Assert.That(Wait.Until(() => (kids = server.Children()).Length == 1, 5000), Is.True);
        int child = kids[0]; // the victim's, taken before the other connects (pids may wrap)
        using var other = Loopback.Connect(server.Port);
        TestSocket.Line(other, "other");
        Assert.That(Wait.Until(() => server.Children().Length == 2, 5000), Is.True);

        server.SignalChild(child, sig);

        Assert.That(TestSocket.ReadToEnd(victim), Is.Empty, "the killed child's client reads EOF");
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

        var sw = System.Diagnostics.Stopwatch.StartNew();
        server.Signal(LibC.SIGTERM);
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
        server.Signal(LibC.SIGINT);
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

    [Test]
    public void Sigusr1LogsAStatsLine()
    {
        using var server = ServerProcess.StartEcho();
        for (int i = 0; i < 3; i++) TestSocket.RoundTrip(server.Port, [1, 2, 3]);
        Assert.That(Wait.Until(() => server.CountLog(new("terminated")) == 3, 5000), Is.True);
        server.Signal(LibC.SIGUSR1);
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
            server.Signal(LibC.SIGHUP);
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
        server.Signal(LibC.SIGHUP);
        Assert.That(server.WaitForExit(5000), Is.EqualTo(0));
        Assert.That(kids.Where(ProcFs.Exists), Is.Empty);
        Assert.That(server.Log, Does.Contain("received SIGHUP, no --log file to reopen: stopping"));
    }

    [Test]
    public void AnIdleConnectionIsClosedAfterTheTimeout()
    {
        using var server = ServerProcess.StartEcho("--idle-timeout", "1");
        using var s = Loopback.Connect(server.Port);
        Assert.That(TestSocket.Line(s, "then silence"), Is.EqualTo("then silence\n"));
        var sw = System.Diagnostics.Stopwatch.StartNew();
        Assert.That(TestSocket.ReadToEnd(s), Is.Empty);
        Assert.That(sw.ElapsedMilliseconds, Is.InRange(700, 5000));
        server.WaitForLog(new(@"^str_echo: idle for 1 s, closing$"), 5000);
    }
}
