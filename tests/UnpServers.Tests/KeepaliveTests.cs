using UnpServers.Unp;

namespace UnpServers.Tests;

/// <summary>
/// --keepalive S (UNP 7.5): SO_KEEPALIVE with TCP_KEEPIDLE S, TCP_KEEPINTVL S/3, TCP_KEEPCNT 3,
/// read back from the program's own socket (pidfd_getfd gives the test a copy of it).
/// </summary>
[TestFixture]
public class KeepaliveTests
{
    private sealed record Options(int KeepAlive, int Idle, int Interval, int Count);

    /// <summary>The options of pid's TCP socket whose peer (or local) port is port; null until it exists.</summary>
    private static Options? SocketOf(int pid, int port, bool peer)
    {
        int pidfd = LibC.pidfd_open(pid, 0);
        if (pidfd < 0) return null;
        try
        {
            string[] fds;
            try { fds = Directory.GetFileSystemEntries($"/proc/{pid}/fd"); }
            catch (IOException) { return null; }
            catch (UnauthorizedAccessException) { return null; }
            foreach (string path in fds)
            {
                string? target = null;
                try { target = new FileInfo(path).LinkTarget; } catch (IOException) { }
                if (target == null || !target.StartsWith("socket:", StringComparison.Ordinal)) continue;
                int fd = LibC.pidfd_getfd(pidfd, int.Parse(Path.GetFileName(path)), 0);
                if (fd < 0) continue;
                try
                {
                    sockaddr_storage ss = default;
                    uint len = 128;
                    int rc = peer ? LibC.getpeername(fd, ref ss, ref len) : LibC.getsockname(fd, ref ss, ref len);
                    if (rc < 0 || !Addresses.IsInet(ref ss) || Addresses.Port(ref ss) != port) continue;
                    LibC.getsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, out int on);
                    LibC.getsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, out int idle);
                    LibC.getsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, out int intvl);
                    LibC.getsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, out int cnt);
                    return new Options(on, idle, intvl, cnt);
                }
                finally { LibC.close(fd); }
            }
            return null;
        }
        finally { LibC.close(pidfd); }
    }

    /// <summary>The options of the server child's socket for a connection from the test.</summary>
    private static Options ServerSide(params string[] args)
    {
        using var server = ServerProcess.StartEcho(args);
        using var s = Loopback.Connect(server.Port);
        Assert.That(TestSocket.Line(s, "hello"), Is.EqualTo("hello\n"));
        int clientPort = ((IPEndPoint)s.LocalEndPoint!).Port;
        Options? found = null;
        Assert.That(Wait.Until(() => server.Children().Any(c => (found = SocketOf(c, clientPort, peer: true)) != null), 5000),
                    Is.True, "the child's connected socket");
        return found!;
    }

    [Test]
    public void EchosrvSetsKeepaliveOnEachAcceptedSocket()
        => Assert.That(ServerSide("--keepalive", "9"), Is.EqualTo(new Options(1, 9, 3, 3)));

    [Test]
    public void TheExecdChildInheritsTheOptions()
        => Assert.That(ServerSide("--exec", "--keepalive", "2"), Is.EqualTo(new Options(1, 2, 1, 3)));

    [Test]
    public void WithoutTheOptionThereIsNoKeepalive()
        => Assert.That(ServerSide().KeepAlive, Is.EqualTo(0));

    [Test]
    public void EchocliSetsKeepaliveOnItsSocket()
    {
        using var listener = Loopback.Listen(out int port);
        using var cli = ClientProcess.Start("echocli", "127.0.0.1", "--port", port.ToString(), "--keepalive", "30");
        using var accepted = listener.Accept();
        // The socket exists at connect(); the options follow at once: poll for them, not for the socket.
        Options? found = null;
        var expected = new Options(1, 30, 10, 3);
        Wait.Until(() => (found = SocketOf(cli.Pid, port, peer: true)) == expected, 5000);
        Assert.That(found, Is.EqualTo(expected), "echocli's socket");
        cli.CloseStdin();
        accepted.ReceiveTimeout = 10000;
        Assert.That(accepted.Receive(new byte[16]), Is.EqualTo(0), "echocli's FIN at its stdin's EOF");
        accepted.Close(); // our FIN after its own: a normal end
        Assert.That(cli.WaitForExit(10000), Is.EqualTo(0), cli.Stderr);
    }

    [TestCase("echosrv", "--keepalive", "-1")]
    [TestCase("echosrv", "--keepalive", "32768")]
    [TestCase("daytimesrv", "--keepalive", "x")]
    [TestCase("echocli", "127.0.0.1", "--keepalive", "40000")]
    [TestCase("echocli", "127.0.0.1", "-n", "2", "--keepalive", "5")]
    public void ABadValueIsAUsageError(string program, params string[] args)
    {
        var r = Run.Program(program, args);
        Assert.That(r.ExitCode, Is.EqualTo(64), r.StdErr);
        Assert.That(r.StdErr.Split('\n')[0], Does.StartWith(program + ": "));
        Assert.That(r.StdErr, Does.Not.Match(Run.StackTraceLine), "no stack trace");
    }
}
