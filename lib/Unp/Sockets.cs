// UNP lib/wrapsock.c: one wrapper per socket call, failing the UNP way.
// They throw, so they are for set-up and for clients; a forked child calls LibC directly.
using UnpServers.Interop;

namespace UnpServers.Unp;

public static class Sockets
{
    public static int Socket(int family, int type, int protocol)
    {
        int fd = LibC.socket(family, type, protocol);
        if (fd < 0) throw new UnpException("socket", Errno.Last);
        return fd;
    }

    public static void Bind(int fd, ref sockaddr_storage addr, uint len)
    {
        if (LibC.bind(fd, ref addr, len) < 0) throw new UnpException("bind", Errno.Last);
    }

    /// <summary>UNP 4.5's Listen. Its LISTENQ override is read with the server's options, where a bad value is a usage error.</summary>
    public static void Listen(int fd, int backlog)
    {
        if (LibC.listen(fd, backlog) < 0) throw new UnpException("listen", Errno.Last);
    }

    public static void Setsockopt(int fd, int level, int optname, int value)
    {
        if (LibC.setsockopt(fd, level, optname, value) < 0) throw new UnpException("setsockopt", Errno.Last);
    }

    public static void Setsockopt(int fd, int level, int optname, linger value)
    {
        if (LibC.setsockopt(fd, level, optname, value) < 0) throw new UnpException("setsockopt", Errno.Last);
    }

    public static void Close(int fd)
    {
        if (LibC.close(fd) < 0) throw new UnpException("close", Errno.Last);
    }

    /// <summary>Is fd an open socket? getsockopt(SO_TYPE) fails with ENOTSOCK on anything else, EBADF if closed.</summary>
    public static bool IsSocket(int fd) => LibC.getsockopt(fd, SOL_SOCKET, SO_TYPE, out _) == 0;

    public static void Getsockname(int fd, ref sockaddr_storage addr, ref uint len)
    {
        if (LibC.getsockname(fd, ref addr, ref len) < 0) throw new UnpException("getsockname", Errno.Last);
    }

    /// <summary>Keepalive.Set, throwing the UNP way: for clients and set-up (UNP 7.5).</summary>
    public static void SetKeepalive(int fd, int idleSeconds)
    {
        if (Keepalive.Set(fd, idleSeconds, out int option) == 0) return;
        int err = Errno.Last;
        throw new UnpException("setsockopt", err, $"setsockopt {System.Text.Encoding.ASCII.GetString(Keepalive.OptionName(option))} error: {ErrorText.Describe(err)}");
    }

    /// <summary>UNP 3.8 sock_ntop_host as a string: "127.0.0.1" or "::1" ("?" if it has no address).</summary>
    public static string HostText(ref sockaddr_storage ss)
    {
        Span<byte> text = stackalloc byte[INET6_ADDRSTRLEN];
        int n = Addresses.SockNtopHost(ref ss, text);
        return n < 0 ? "?" : System.Text.Encoding.ASCII.GetString(text[..n]);
    }
}
