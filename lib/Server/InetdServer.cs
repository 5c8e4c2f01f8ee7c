// --inetd: the connection is already on stdin and stdout, accepted by a super-server
// (inetd, xinetd, ucspi-tcp's tcpserver, socat, systemd Accept=yes). UNP 13.5: the server
// learns its peer with getpeername() and serves one client. An ordinary .NET process:
// no fork, so none of the fork-safety rules apply.
using UnpServers.Child;
using UnpServers.ForkSafety;
using UnpServers.Interop;
using UnpServers.Unp;

namespace UnpServers.Server;

public static class InetdServer
{
    /// <param name="peerLogged">Exec'd by our own server (--exec), which logged the peer when it accepted.</param>
    public static int Run(ConnectionService service, byte[]? logFile, int idleTimeoutSeconds, bool peerLogged = false, int keepaliveSeconds = 0)
    {
        try
        {
            // stdout is the client's connection: log lines must go elsewhere.
            bool stderrIsConnection = Sockets.IsSocket(2); // inetd and systemd put the connection on stderr too
            if (logFile != null) Log.OpenFile(logFile);
            else if (stderrIsConnection) Log.Discard();
            else Log.InfoFd = Log.ErrorFd;
            if (stderrIsConnection) Log.ReportFd = -1;

            // Started with the connection closed: fail as a C server would, at once, rather than
            // wait on the pipe the runtime put in its place (see Stdio).
            if (Stdio.In < 0) return Log.ErrorAndFail("--inetd: read error on stdin: ", EBADF);
            if (Stdio.Out < 0) return Log.ErrorAndFail("--inetd: write error on stdout: ", EBADF);

            // Killed like the C server: SIGTERM, SIGINT, SIGHUP end the process at once,
            // rather than through the runtime's shutdown, so the parent sees the signal.
            foreach (int sig in (int[])[SIGTERM, SIGINT, SIGHUP, SIGQUIT]) Signals.Signal(sig, LibC.SIG_DFL);

            if (!peerLogged) LogPeer();
            // UNP 7.5: under a super-server, the connection on stdin is the one to probe.
            if (keepaliveSeconds > 0 && IsTcp(0)) Sockets.SetKeepalive(0, keepaliveSeconds);
            service.IdleTimeoutMs = idleTimeoutSeconds * 1000;
            if (service.UsesLocalTime) Clock.ReadZone();
            return service.Serve(0, 1);
        }
        catch (UnpException e)
        {
            Log.Error(e.Message);
            return 1;
        }
    }

    /// <summary>stdin is a TCP socket (not a pipe, nor socat's socketpair).</summary>
    private static bool IsTcp(int fd)
    {
        sockaddr_storage ss = default;
        uint len = 128;
        return LibC.getsockname(fd, ref ss, ref len) == 0 && Addresses.IsInet(ref ss);
    }

    /// <summary>"connection from IP, port N": getpeername() on stdin, or what the super-server put in the environment.</summary>
    private static void LogPeer()
    {
        sockaddr_storage ss = default;
        uint len = 128;
        int err = LibC.getpeername(0, ref ss, ref len) == 0 ? 0 : Errno.Last;
        if (err == 0 && Addresses.IsInet(ref ss))
        {
            Log.Info($"connection from {Sockets.HostText(ref ss)}, port {Addresses.Port(ref ss)}");
            return;
        }
        // stdin is a pipe or a socketpair (socat's EXEC): ucspi-tcp and socat name the peer in the environment.
        (string? ip, string? port) =
            Environment.GetEnvironmentVariable("TCPREMOTEIP") is { } tcpIp ? (tcpIp, Environment.GetEnvironmentVariable("TCPREMOTEPORT"))
            : (Environment.GetEnvironmentVariable("SOCAT_PEERADDR"), Environment.GetEnvironmentVariable("SOCAT_PEERPORT"));
        if (ip != null)
        {
            if (ip.StartsWith("::ffff:", StringComparison.Ordinal) && ip.Contains('.')) ip = ip[7..];
            Log.Info($"connection from {ip}, port {port ?? "?"}");
        }
        else if (err == 0 || err == ENOTSOCK)
        {
            Log.Info("connection on stdin, which is not a TCP socket: peer unknown");
        }
        else
        {
            // ENOTCONN: a TCP socket whose client has already reset (UNP 5.11), and no
            // super-server named it. Not the same thing as a pipe.
            Log.Info($"connection on stdin, peer unknown: getpeername error: {ErrorText.Describe(err)}");
        }
    }
}
