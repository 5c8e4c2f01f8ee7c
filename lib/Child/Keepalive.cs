// UNP 7.5 SO_KEEPALIVE: when a connection has been idle for a while, TCP probes the peer,
// so a peer whose host crashed (no FIN, no RST) is noticed: the socket's pending error
// becomes ETIMEDOUT (no answer) or EHOSTUNREACH (an ICMP error). The default idle time is
// two hours; Linux's TCP_KEEPIDLE, TCP_KEEPINTVL and TCP_KEEPCNT set it per socket.
// No allocation, no exception: the parent calls it between accept() and fork().
using UnpServers.Interop;

namespace UnpServers.Unp;

public static class Keepalive
{
    /// <summary>Probes after an idle time of idleSeconds, before giving up.</summary>
    public const int Probes = 3;

    /// <summary>Seconds between probes: a third of the idle time, at least 1.</summary>
    public static int IntervalSeconds(int idleSeconds) => Math.Max(1, idleSeconds / Probes);

    /// <summary>
    /// SO_KEEPALIVE with TCP_KEEPIDLE = idleSeconds, TCP_KEEPINTVL = idleSeconds / 3 (at least 1)
    /// and TCP_KEEPCNT = 3: a vanished peer is declared dead about 2 * idleSeconds after the
    /// last segment. Returns 0, or -1 with errno set (the name of the failing option in failedOption).
    /// </summary>
    public static int Set(int fd, int idleSeconds, out int failedOption)
    {
        failedOption = SO_KEEPALIVE;
        if (LibC.setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, 1) < 0) return -1;
        failedOption = TCP_KEEPIDLE;
        if (LibC.setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, idleSeconds) < 0) return -1;
        failedOption = TCP_KEEPINTVL;
        if (LibC.setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, IntervalSeconds(idleSeconds)) < 0) return -1;
        failedOption = TCP_KEEPCNT;
        if (LibC.setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, Probes) < 0) return -1;
        return 0;
    }

    /// <summary>The option's C name, as a log line gives it.</summary>
    public static ReadOnlySpan<byte> OptionName(int option)
        => option == TCP_KEEPIDLE ? "TCP_KEEPIDLE"u8
         : option == TCP_KEEPINTVL ? "TCP_KEEPINTVL"u8
         : option == TCP_KEEPCNT ? "TCP_KEEPCNT"u8
         : "SO_KEEPALIVE"u8;
}
