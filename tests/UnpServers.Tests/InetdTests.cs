namespace UnpServers.Tests;

/// <summary>--inetd under real super-servers (socat, tcpserver) that accept and exec our program per connection.</summary>
[TestFixture]
public class InetdTests
{
    [Test]
    public void EchosrvInetdEchoesUnderSocat()
    {
        string log = Path.GetTempFileName();
        try
        {
            using var socat = SuperServer.Socat($"{Repo.Program("echosrv")} --inetd --log {log}");
            byte[] input = new byte[1 << 20];
            new Random(5).NextBytes(input);
            var (code, output, stderr) = ClientProcess.Batch("echocli", input, 30000, "127.0.0.1", "--port", socat.Port.ToString());
            Assert.That(code, Is.EqualTo(0), stderr);
            Assert.That(output.AsSpan().SequenceEqual(input), Is.True);
            Assert.That(Wait.Until(() => File.ReadAllText(log).Contains("connection from 127.0.0.1, port "), 5000), Is.True, File.ReadAllText(log));
        }
        finally
        {
            File.Delete(log);
        }
    }

    [Test]
    public void EchosrvInetdWithStderrOnTheConnectionWritesNoLogLineToTheClient()
    {
        // socat's stderr option puts fd 2 on the connection too, as inetd does: the server must
        // see that fd 2 is a socket (getsockopt SO_TYPE) and keep its log lines off it.
        // The client keeps its half open until the echo is back: socat ends a connection 0.5 s
        // after one side's EOF, sooner than a loaded machine starts the runtime.
        using var socat = SuperServer.Socat($"{Repo.Program("echosrv")} --inetd,stderr");
        using var s = Loopback.Connect(socat.Port);
        Assert.That(TestSocket.Line(s, "one line"), Is.EqualTo("one line\n"), "the first bytes back are the echo, not a log line");
    }

    [Test]
    public void EchosrvInetdEchoesUnderTcpserver()
    {
        using var tcpserver = SuperServer.Tcpserver(Repo.Program("echosrv"), "--inetd");
        byte[] input = Enumerable.Range(0, 100_000).Select(i => (byte)(i * 31)).ToArray();
        var (code, output, stderr) = ClientProcess.Batch("echocli", input, 30000, "127.0.0.1", "--port", tcpserver.Port.ToString());
        Assert.That(code, Is.EqualTo(0), stderr);
        Assert.That(output, Is.EqualTo(input));
    }

    [Test]
    public void DaytimesrvInetdRepliesUnderTcpserver()
    {
        using var tcpserver = SuperServer.Tcpserver(Repo.Program("daytimesrv"), "--inetd");
        var r = Run.Program("daytimecli", ["127.0.0.1", "--port", tcpserver.Port.ToString()]);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.StdErr);
        Assert.That(r.StdOut, Does.Match(@"^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}\r\n$"));
    }

    [Test]
    public void DaytimesrvInetdRepliesUnderSocat()
    {
        using var socat = SuperServer.Socat(Repo.Program("daytimesrv") + " --inetd");
        var r = Run.Program("daytimecli", ["127.0.0.1", "--port", socat.Port.ToString()]);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.StdErr);
        Assert.That(r.StdOut, Does.Match(@"^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}\r\n$"));
    }

    [Test]
    public void InetdModeOnAPlainSocketLogsThePeerWithGetpeername()
    {
        // What inetd and systemd Accept=yes do: the accepted socket itself is fd 0, 1 and 2.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        using var client = Loopback.Connect(port);
        using var accepted = listener.AcceptSocket();
        string log = Path.GetTempFileName();
        try
        {
            int fd = (int)accepted.Handle;
            // Start echosrv --inetd with the connection on 0 and 1, via the shell's redirection.
            var psi = new ProcessStartInfo("/bin/bash") { UseShellExecute = false }; // bash: descriptors above 9 in redirections
            foreach (string a in new[] { "-c", $"exec {Repo.Program("echosrv")} --inetd --log {log} <&{fd} >&{fd}" }) psi.ArgumentList.Add(a);
            LibC.fcntl(fd, F_SETFD, 0); // let the shell inherit it
            using var p = Process.Start(psi)!;
            accepted.Close();
            Assert.That(TestSocket.Line(client, "inetd"), Is.EqualTo("inetd\n"));
            client.Shutdown(System.Net.Sockets.SocketShutdown.Send);
            Assert.That(TestSocket.ReadToEnd(client), Is.Empty);
            Assert.That(p.WaitForExit(5000), Is.True);
            Assert.That(p.ExitCode, Is.EqualTo(0));
            int clientPort = ((System.Net.IPEndPoint)client.LocalEndPoint!).Port;
            Assert.That(File.ReadAllText(log), Does.Contain($"connection from 127.0.0.1, port {clientPort}"));
        }
        finally
        {
            File.Delete(log);
        }
    }
}
