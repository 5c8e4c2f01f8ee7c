// UNP 11.12 tcp_listen: a listening TCP socket for a host (or the wildcard) and a port.
using UnpServers.Interop;

namespace UnpServers.Unp;

public static class TcpListen
{
    /// <summary>
    /// Binds and listens. With no host, the listener is the IPv6 wildcard with IPV6_V6ONLY off,
    /// so it takes IPv4 clients too (UNP 12.2), and falls back to 0.0.0.0 on hosts without IPv6.
    /// With a host, each getaddrinfo address is tried in turn, as tcp_listen does; the last error is thrown.
    /// The socket is non-blocking (UNP 16.6: a connection reset before accept must not block the server)
    /// and close-on-exec.
    /// </summary>
    /// <param name="host">An address or a name, as bytes (a name need not be UTF-8); null: the wildcard.</param>
    public static int Open(byte[]? host, int port, int backlog, out sockaddr_storage bound)
    {
        var candidates = new List<(int family, sockaddr_storage addr, uint len)>();
        if (host is null or [])
        {
            candidates.Add((AF_INET6, Addresses.In6Any(port, out uint l6), l6));
            candidates.Add((AF_INET, Addresses.InAny(port, out uint l4), l4));
        }
        else
        {
            int rc = AddrInfo.Get(host, port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                                      LibC.AI_PASSIVE | LibC.AI_NUMERICSERV, AF_UNSPEC, SOCK_STREAM, out var results);
            if (rc != 0)
                throw new UnpException("getaddrinfo", 0, $"tcp_listen error for {System.Text.Encoding.UTF8.GetString(host)}, {port}: {ErrorText.Gai(rc)}");
            foreach (var r in results) candidates.Add((r.Family, r.Addr, r.AddrLen));
        }

        UnpException? last = null;
        foreach (var (family, addr, len) in candidates)
        {
            int fd = LibC.socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            if (fd < 0)
            {
                last = new UnpException("socket", Errno.Last);
                continue; // e.g. EAFNOSUPPORT: no IPv6 here
            }
            try
            {
                Sockets.Setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, 1); // UNP 7.5: restart while old connections are in TIME_WAIT
                if (family == AF_INET6 && host is null or [])
                    Sockets.Setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, 0);
                var a = addr;
                Sockets.Bind(fd, ref a, len);
                Sockets.Listen(fd, backlog);
                bound = default;
                uint blen = 128;
                Sockets.Getsockname(fd, ref bound, ref blen);
                return fd;
            }
            catch (UnpException e)
            {
                LibC.close(fd);
                last = e;
                // A port in use on the wildcard is in use for every family: no point trying IPv4.
                if (e.Errno == EADDRINUSE && host is null or []) break;
            }
        }
        throw last ?? new UnpException("tcp_listen", EADDRNOTAVAIL);
    }

    /// <summary>What to do when bind() failed with EADDRINUSE: another port, which --port 0 finds.</summary>
    public static string? PortInUseHint(int port)
        => port == 0 ? null : $"port {port} is taken; --port 0 takes a free one, shown in the \"listening on\" line";
}
