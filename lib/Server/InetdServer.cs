// --inetd: the connection is already on stdin and stdout, accepted by a super-server
// (inetd, xinetd, ucspi-tcp's tcpserver, socat, systemd Accept=yes). UNP 13.5: the server
// learns its peer with getpeername() and serves one client. An ordinary .NET process:
// no fork, so none of the fork-safety rules apply.
using UnpServers.ForkSafety;
using UnpServers.Interop;
using UnpServers.Unp;

namespace UnpServers.Server;

public static class InetdServer
{
    public static int Run(ConnectionService service, string? logFile, int idleTimeoutSeconds, int keepaliveSeconds = 0)
    {
        try
        {
            // stdout is the client's connection: log lines must go elsewhere.
            if (logFile != null) Log.OpenFile(logFile);
            else if (LibC.fd_is_socket(2)) Log.Discard(); // inetd and systemd put the connection on stderr too
            else Log.InfoFd = 2;

            // Killed like the C server: SIGTERM, SIGINT, SIGHUP end the process at once,
            // rather than through the runtime's shutdown, so the parent sees the signal.
            foreach (int sig in (int[])[LibC.SIGTERM, LibC.SIGINT, LibC.SIGHUP, LibC.SIGQUIT]) Signals.Signal(sig, LibC.SIG_DFL);

            LogPeer();
            // UNP 7.5: under a super-server, the connection on stdin is the one to probe.
            if (keepaliveSeconds > 0 && IsTcp(0)) Keepalive.Setsockopt(0, keepaliveSeconds);
            service.IdleTimeoutMs = idleTimeoutSeconds * 1000;
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
        return LibC.getsockname(fd, ref ss, ref len) == 0 && ss.ss_family is LibC.AF_INET or LibC.AF_INET6;
    }

    /// <summary>"connection from IP, port N": getpeername() on stdin, or what the super-server put in the environment.</summary>
    private static void LogPeer()
    {
        sockaddr_storage ss = default;
        uint len = 128;
        if (LibC.getpeername(0, ref ss, ref len) == 0 && ss.ss_family is LibC.AF_INET or LibC.AF_INET6)
        {
            Log.Info($"connection from {Addresses.SockNtopHost(ref ss)}, port {Addresses.Port(ref ss)}");
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
        else
        {
            Log.Info("connection on stdin, which is not a TCP socket: peer unknown");
        }
    }
}
