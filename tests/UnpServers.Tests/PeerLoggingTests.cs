namespace UnpServers.Tests;

/// <summary>Who connected, logged once, even when the client resets before anyone asks getpeername().</summary>
[TestFixture]
public class PeerLoggingTests
{
    [Test]
    public void ExecLogsEachPeerOnceInTheParentEvenAfterAReset()
    {
        using var server = ServerProcess.StartEcho("--exec");
        using (var s = Loopback.Connect(server.Port))
            Assert.That(TestSocket.Line(s, "hi"), Is.EqualTo("hi\n"));
        var reset = Loopback.Connect(server.Port);
        int port = ((IPEndPoint)reset.LocalEndPoint!).Port;
        TestSocket.Reset(reset); // long before the exec'd runtime could call getpeername()

        Assert.That(Wait.Until(() => server.CountLog(new(@"^child \d+ terminated")) == 2, 10000), Is.True, server.Log);
        Assert.That(server.CountLog(new(@"^connection from 127\.0\.0\.1, port \d+$")), Is.EqualTo(2), server.Log);
        Assert.That(server.CountLog(new($@"^connection from 127\.0\.0\.1, port {port}$")), Is.EqualTo(1), server.Log);
        Assert.That(server.Log, Does.Not.Contain("peer unknown"));
    }

    [Test]
    public void InetdTellsAPeerGoneFromStdinThatIsNotASocket()
    {
        string log = Path.GetTempFileName();
        try
        {
            // tcpserver without its TCPREMOTE* variables: only getpeername() could name the peer.
            using var tcpserver = SuperServer.Tcpserver("/usr/bin/env", "-u", "TCPREMOTEIP", "-u", "TCPREMOTEPORT",
                                                        Repo.Program("echosrv"), "--inetd", "--log", log);
            TestSocket.Reset(Loopback.Connect(tcpserver.Port));
            Assert.That(Wait.Until(() => File.ReadAllText(log).Contains("connection on stdin"), 10000), Is.True, File.ReadAllText(log));
            Assert.That(File.ReadAllText(log), Does.Contain(
                "connection on stdin, peer unknown: getpeername error: Transport endpoint is not connected (ENOTCONN)"));
        }
        finally
        {
            File.Delete(log);
        }

        var r = Run.Program("echosrv", ["--inetd"], stdin: "a pipe\n");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.StdErr);
        Assert.That(r.StdOut, Is.EqualTo("a pipe\n"));
        Assert.That(r.StdErr, Does.Contain("connection on stdin, which is not a TCP socket: peer unknown"));
    }
}
