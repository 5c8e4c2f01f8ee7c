// UNP 11.12 tcp_connect: resolve a host and a port, and try each address in turn.
using System.Globalization;
using UnpServers.Interop;

namespace UnpServers.Unp;

public static class TcpConnect
{
    /// <summary>
    /// A connected TCP socket. Names and IPv4/IPv6 literals alike go through getaddrinfo;
    /// each address is tried in order and the last connect error is thrown, as tcp_connect does.
    /// </summary>
    public static int Open(string host, int port)
    {
        int rc = AddrInfo.Get(host, port.ToString(CultureInfo.InvariantCulture), LibC.AI_NUMERICSERV,
                                  AF_UNSPEC, SOCK_STREAM, out var results);
        if (rc != 0)
            throw new UnpException("getaddrinfo", 0, $"tcp_connect error for {host}, {port}: {ErrorText.Gai(rc)}");

        int lastErrno = EHOSTUNREACH;
        string lastCall = "connect";
        foreach (var ai in results)
        {
            int fd = LibC.socket(ai.Family, ai.SockType | SOCK_CLOEXEC, ai.Protocol);
            if (fd < 0)
            {
                (lastCall, lastErrno) = ("socket", Errno.Last);
                continue; // e.g. no IPv6 on this host: try the next address
            }
            var addr = ai.Addr;
            int r;
            do r = LibC.connect(fd, ref addr, ai.AddrLen);
            while (r < 0 && Errno.Last == EINTR);
            if (r == 0) return fd;
            (lastCall, lastErrno) = ("connect", Errno.Last);
            LibC.close(fd);
        }
        throw new UnpException(lastCall, lastErrno);
    }
}
