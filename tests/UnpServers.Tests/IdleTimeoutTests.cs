using UnpServers.Child;

namespace UnpServers.Tests;

/// <summary>--idle-timeout: the idle read, a write blocked on a client that sends and never reads, and nothing changed at start-up.</summary>
[TestFixture]
public class IdleTimeoutTests
{
    /// <summary>
    /// The idle read on its own, in every design where str_echo serves a connection: a forked
    /// child, an exec'd one, each kind of pre-forked child, the iterative process, a thread of
    /// each threaded design (the multiplexers keep deadlines of their own:
    /// NonForkingDesignOptionTests). A client that connects and sends nothing is closed after
    /// the time-out, and so is one that falls silent after a line.
    /// </summary>
    [TestCase("fork")]
    [TestCase("exec")]
    [TestCase("prefork")]
    [TestCase("prefork-flock")]
    [TestCase("prefork-mutex")]
    [TestCase("prefork-pass")]
    [TestCase("iterative")]
    [TestCase("thread")]
    [TestCase("prethread")]
    [TestCase("prethread-main")]
    public void AClientThatSendsNothingIsClosedAfterTheTimeout(string design)
    {
        string[] how = design switch
        {
            "exec" => ["--exec"],
            "fork" or "iterative" or "thread" => ["--model", design],
            _ => ["--model", design, "--workers", "2"],
        };
        using var server = ServerProcess.Start("echosrv", ["--idle-timeout", "1", .. how],
                                               new Dictionary<string, string> { ["UNPSERVERS_CHILD_ALLOC_REPORT"] = "1" });
        var sw = System.Diagnostics.Stopwatch.StartNew();
        using var silent = Loopback.Connect(server.Port);
        using var talker = Loopback.Connect(server.Port); // the iterative server serves it after the silent one
        talker.Send("then silence\n"u8.ToArray());
        Assert.That(TestSocket.ReadToEnd(silent), Is.Empty, "the silent client is closed");
        Assert.That(sw.ElapsedMilliseconds, Is.InRange(700, 5000), "after about 1 s");
        server.WaitForLog(new(@"^str_echo: idle for 1 s, closing$"), 5000);

        Assert.That(TestSocket.ReadExactly(talker, 13), Is.EqualTo("then silence\n"u8.ToArray()));
        Assert.That(TestSocket.ReadToEnd(talker), Is.Empty, "the client silent after a line is closed too");
        Assert.That(Wait.Until(() => server.CountLog(new(@"^str_echo: idle for 1 s, closing$")) == 2, 5000), Is.True, server.Log);
        if (design is "fork" or "exec")
            Assert.That(Wait.Until(() => server.CountLog(new(@"^child \d+ terminated, exit status 0$")) == 2, 5000), Is.True, server.Log);
        using var next = Loopback.Connect(server.Port);
        Assert.That(TestSocket.Line(next, "served on"), Is.EqualTo("served on\n"));
        if (design is "fork" || design.StartsWith("prefork", StringComparison.Ordinal)) // a child of ours served them
            Assert.That(server.LogLines().Where(l => l.Contains(" allocated ")), Is.Not.Empty.And.All.Match(@"^child \d+ allocated 0 bytes$"),
                        "fork-safety R4: the idle turns allocate nothing\n" + server.Log);
    }

    /// <summary>
    /// Issue 20, defect 1: the start-up rehearsal of a forking server used to serve with the live
    /// time-out on descriptor -1, which poll() ignores, so it slept the whole time-out before
    /// listening, with TERM and INT waiting in the signalfd. Its time-outs are its own now.
    /// </summary>
    [TestCase("fork")]
    [TestCase("exec")]
    [TestCase("prefork")]
    [TestCase("prefork-pass")]
    public void ALongIdleTimeoutNeitherDelaysTheStartNorTheStop(string design)
    {
        string[] args = design switch
        {
            "fork" => [],
            "exec" => ["--exec"],
            _ => ["--model", design, "--workers", "2"],
        };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var server = ServerProcess.Start("echosrv", ["--idle-timeout", "30", .. args], timeoutMs: 20000);
        Assert.That(TestSocket.RoundTrip(server.Port, "at once\n"u8.ToArray(), 15000), Is.EqualTo("at once\n"u8.ToArray()));
        Assert.That(clock.ElapsedMilliseconds, Is.LessThan(15000), "served long before the 30 s time-out");
        clock.Restart();
        Assert.That(server.Stop(10000)?.Code, Is.EqualTo(0), "SIGTERM stops it\n" + server.Log);
        Assert.That(clock.ElapsedMilliseconds, Is.LessThan(10000), "at once, not after the time-out");
    }

    [TestCase("fork")]
    [TestCase("exec")]
    public void AClientThatNeverReadsDoesNotPinItsChild(string mode)
    {
        using var server = ServerProcess.Start("echosrv", ["--idle-timeout", "1", .. Modes.Args(mode)],
            new Dictionary<string, string> { [AllocationReport.Variable] = "1" });
        using var s = Loopback.Connect(server.Port);
        s.ReceiveBufferSize = 4096;
        // Send and never read: the echo fills our receive buffer, then the child's send
        // buffer, and its write blocks. Sending stops too once the child stops reading.
        var flood = Task.Run(() =>
        {
            byte[] chunk = new byte[65536];
            try
            {
                for (int i = 0; i < 1000; i++) s.Send(chunk);
            }
            catch (SocketException) { /* closed by the server, or our send timed out */ }
            catch (ObjectDisposedException) { }
        });
        server.WaitForLog(new(@"^str_echo: client has not read for 1 s, closing$"), 15000);
        server.WaitForLog(new(@"^child \d+ terminated, exit status 0$"), 5000);
        Assert.That(Wait.Until(() => server.Children().Length == 0, 5000), Is.True, "the child is gone");
        if (mode == "fork") server.WaitForLog(new(@"^child \d+ allocated 0 bytes$"), 5000); // R4 on the new path
        s.Close();
        Assert.That(flood.Wait(15000), Is.True);
    }
}
