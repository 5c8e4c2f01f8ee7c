using UnpServers.Child;

namespace UnpServers.Tests;

/// <summary>--idle-timeout covers a write blocked on a client that sends and never reads, and changes nothing at start-up.</summary>
[TestFixture]
public class IdleTimeoutTests
{
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
