namespace UnpServers.Tests;

/// <summary>
/// UNP 1.5, 30.4: the iterative server serves one client at a time in the process that accepted
/// it, and handles its signals while it does (issue 20, defect 2): an idle client, one that
/// keeps sending, or one that never reads cannot keep SIGUSR1, SIGHUP or SIGTERM waiting.
/// </summary>
[TestFixture]
public class IterativeTests
{
    private static ServerProcess Start(params string[] more) => ServerProcess.StartEcho(["--model", "iterative", .. more]);

    private static void StopsAtOnceAndClosesTheClient(ServerProcess server, Socket client)
    {
        var stop = server.Stop(5000);
        Assert.That(stop?.Code, Is.EqualTo(0), "SIGTERM stops it within 5 s while it serves\n" + server.Log);
        Assert.That(server.LogLines(), Does.Contain("received SIGTERM, stopping").And.Contain("stopped"));
        client.ReceiveTimeout = 5000;
        try { while (client.Receive(new byte[65536]) > 0) { } }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset) { } // unread echoes: RST
    }

    [Test]
    public void AnIdleClientDoesNotKeepTheSignalsWaiting()
    {
        using var server = Start();
        using var held = Loopback.Connect(server.Port);
        Assert.That(TestSocket.Line(held, "held"), Is.EqualTo("held\n"));

        server.Signal(SIGUSR1);
        server.WaitForLog(new(@"^stats: accepted 1, active 1, peak active 1, "), 5000);
        server.Signal(SIGHUP);
        server.WaitForLog(new(@"^received SIGHUP; log reopened$"), 5000);
        Assert.That(TestSocket.Line(held, "still served"), Is.EqualTo("still served\n"), "the client is served on after them");

        StopsAtOnceAndClosesTheClient(server, held);
    }

    [Test]
    public void AClientThatKeepsSendingDoesNotKeepTheServerFromStopping()
    {
        using var server = Start("--idle-timeout", "5"); // never idle: the time-out does not end it
        using var s = Loopback.Connect(server.Port);
        long echoed = 0;
        var reader = Task.Run(() =>
        {
            var buf = new byte[65536];
            try { for (int n; (n = s.Receive(buf)) > 0; ) Interlocked.Add(ref echoed, n); }
            catch (SocketException) { }
            catch (ObjectDisposedException) { }
        });
        var sender = Task.Run(() =>
        {
            byte[] line = new byte[1024];
            try { for (;;) s.Send(line); }
            catch (SocketException) { }
            catch (ObjectDisposedException) { }
        });
        Assert.That(Wait.Until(() => Interlocked.Read(ref echoed) > 1 << 20, 10000), Is.True, "a MiB echoed: it is being served");

        var stop = server.Stop(5000);
        Assert.That(stop?.Code, Is.EqualTo(0), "SIGTERM stops it within 5 s\n" + server.Log);
        s.Close();
        Assert.That(Task.WaitAll([reader, sender], 10000), Is.True);
    }

    [Test]
    public void AClientThatNeverReadsDoesNotKeepTheServerFromStopping()
    {
        using var server = Start();
        using var s = Loopback.Connect(server.Port);
        s.ReceiveBufferSize = 4096;
        // The echo fills our receive buffer, then the server's send buffer, and its write waits;
        // then the server reads no more, and our sending stalls too.
        long sent = 0, last = -1;
        var flood = Task.Run(() =>
        {
            byte[] chunk = new byte[65536];
            try { for (int i = 0; i < 1000; i++) Interlocked.Add(ref sent, s.Send(chunk)); }
            catch (SocketException) { }
            catch (ObjectDisposedException) { }
        });
        Assert.That(Wait.Until(() =>
        {
            long now = Interlocked.Read(ref sent);
            bool stalled = now > 0 && now == last;
            last = now;
            return stalled;
        }, 15000, pollMs: 300), Is.True, "the flood stalls: the server's write waits for us to read");
        server.Signal(SIGUSR1);
        server.WaitForLog(new(@"^stats: accepted 1, active 1, "), 5000);
        StopsAtOnceAndClosesTheClient(server, s);
        s.Close();
        Assert.That(flood.Wait(15000), Is.True);
    }

    /// <summary>One client at a time: the stats line's peak is 1, however many were served.</summary>
    [Test]
    public void ThePeakIsOneClient()
    {
        using var server = Start();
        for (int i = 0; i < 3; i++)
            Assert.That(TestSocket.RoundTrip(server.Port, "one at a time\n"u8.ToArray()), Is.EqualTo("one at a time\n"u8.ToArray()));
        server.Signal(SIGUSR1);
        Assert.That(server.WaitForLog(new(@"^stats: .*"), 5000).Value,
                    Is.EqualTo("stats: accepted 3, active 0, peak active 1, log lines lost 0"));
    }
}
