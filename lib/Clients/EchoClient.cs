// UNP's tcpcli01 and its lesson variants, behind one entry point.
using UnpServers.Interop;
using UnpServers.Unp;

namespace UnpServers.Clients;

public enum SigpipeAction
{
    /// <summary>SIGPIPE ignored (the .NET runtime's own choice): a write to a reset socket fails with EPIPE.</summary>
    Ignore,
    /// <summary>SIGPIPE's default action: the process dies of it, and the shell shows 141 (128 + 13).</summary>
    Default,
}

public sealed record EchoClientOptions
{
    public required string Host { get; init; }
    public int Port { get; init; } = 9877;
    /// <summary>tcpcli04: this many connections, one line each, all closed together.</summary>
    public int Connections { get; init; } = 1;
    /// <summary>tcpcli11: each line written as 1 byte, a pause, then the rest.</summary>
    public bool SigpipeDemo { get; init; }
    public SigpipeAction Sigpipe { get; init; } = SigpipeAction.Ignore;
    /// <summary>Close with SO_LINGER {1, 0}: a RST instead of a FIN.</summary>
    public bool Linger0 { get; init; }
    /// <summary>tcpcli01's str_cli: fgets, write, readline, one at a time, no poll.</summary>
    public bool Blocking { get; init; }
    /// <summary>UNP 7.5: SO_KEEPALIVE with this idle time, in seconds (0: off).</summary>
    public int KeepaliveSeconds { get; init; }
}

public static class EchoClient
{
    public static int Run(EchoClientOptions o)
    {
        try
        {
            if (o.Sigpipe == SigpipeAction.Default && Signals.Signal(SIGPIPE, LibC.SIG_DFL) < 0)
                throw new UnpException("sigaction", Errno.Last);
            if (o.Connections > 1) return ManyConnections.Run(o.Host, o.Port, o.Connections);
            // Every other mode copies stdin to the server. Closed, it would be the runtime's pipe
            // that never ends (see Stdio): fail as a C client's first read does, before connecting.
            if (Stdio.In < 0) return Log.ErrorAndFail("str_cli: read error on stdin: ", EBADF);
            int sockfd = TcpConnect.Open(o.Host, o.Port);
            if (o.KeepaliveSeconds > 0) Sockets.SetKeepalive(sockfd, o.KeepaliveSeconds);
            if (o.SigpipeDemo) return SigpipeDemo.Run(sockfd);
            return o.Blocking ? StrCliBlocking.Run(sockfd) : StrCli.Run(sockfd, o.Linger0);
        }
        catch (UnpException e)
        {
            Log.Error(e.Message);
            return 1;
        }
    }
}
