// What every accept() caller needs, parent or pre-forked child: UNP 5.11's error cases and
// the "connection from" line. Allocates nothing (a forked child calls it).

namespace UnpServers.Unp;

public static class Accept
{
    /// <summary>
    /// accept(2), NOTES: errors of the connection being accepted, which Linux passes on from
    /// accept(), mean "try again", like EAGAIN. ECONNABORTED and EPROTO are UNP 5.11's
    /// client that reset before we accepted it.
    /// </summary>
    public static bool Retryable(int err)
        => err == ECONNABORTED || err == EPROTO || err == ENETDOWN || err == ENOPROTOOPT
           || err == EHOSTDOWN || err == ENONET || err == EHOSTUNREACH || err == EOPNOTSUPP
           || err == ENETUNREACH;

    /// <summary>Out of descriptors or memory: the server pauses accepting for a while instead of spinning.</summary>
    public static bool OutOfResources(int err)
        => err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM;

    /// <summary>UNP 5.9, 5.11: "accept error: ... , retrying" for an interrupted or failed connection the caller retries.</summary>
    public static void LogRetry(int err) => Log.Info(Log.Line().Add("accept error: "u8).AddErrno(err).Add(", retrying"u8));

    /// <summary>"connection from HOST, port N": the line every design logs per accepted client.</summary>
    public static void LogPeer(ref sockaddr_storage cliaddr)
    {
        Span<byte> host = stackalloc byte[INET6_ADDRSTRLEN];
        int hostLen = Addresses.SockNtopHost(ref cliaddr, host);
        Log.Info(Log.Line().Add("connection from "u8).Add(host[..Math.Max(hostLen, 0)])
                           .Add(", port "u8).Add(Addresses.Port(ref cliaddr)));
    }
}
