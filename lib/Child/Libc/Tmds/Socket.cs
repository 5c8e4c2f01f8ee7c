// <sys/socket.h>: Tmds.LibC's socket calls, with pointer-free overloads. A socket address is a
// sockaddr_storage passed as the struct sockaddr * the call takes, as in C.
using Tmds.Linux;

namespace UnpServers.Interop;

public static unsafe partial class LibC
{
    public static int socket(int domain, int type, int protocol) => Tmds.Linux.LibC.socket(domain, type, protocol);

    public static int listen(int sockfd, int backlog) => Tmds.Linux.LibC.listen(sockfd, backlog);

    public static int shutdown(int sockfd, int how) => Tmds.Linux.LibC.shutdown(sockfd, how);

    public static int socketpair(int domain, int type, int protocol, out int fd0, out int fd1)
    {
        int* sv = stackalloc int[2];
        int rc = Tmds.Linux.LibC.socketpair(domain, type, protocol, sv);
        fd0 = sv[0];
        fd1 = sv[1];
        return rc;
    }

    public static int bind(int sockfd, ref sockaddr_storage addr, uint addrlen)
    {
        fixed (sockaddr_storage* p = &addr) return Tmds.Linux.LibC.bind(sockfd, (sockaddr*)p, addrlen);
    }

    public static int connect(int sockfd, ref sockaddr_storage addr, uint addrlen)
    {
        fixed (sockaddr_storage* p = &addr) return Tmds.Linux.LibC.connect(sockfd, (sockaddr*)p, addrlen);
    }

    public static int accept4(int sockfd, ref sockaddr_storage addr, ref uint addrlen, int flags)
    {
        fixed (sockaddr_storage* p = &addr)
        fixed (uint* l = &addrlen)
            return Tmds.Linux.LibC.accept4(sockfd, (sockaddr*)p, (socklen_t*)l, flags);
    }

    public static int getsockname(int sockfd, ref sockaddr_storage addr, ref uint addrlen)
    {
        fixed (sockaddr_storage* p = &addr)
        fixed (uint* l = &addrlen)
            return Tmds.Linux.LibC.getsockname(sockfd, (sockaddr*)p, (socklen_t*)l);
    }

    public static int getpeername(int sockfd, ref sockaddr_storage addr, ref uint addrlen)
    {
        fixed (sockaddr_storage* p = &addr)
        fixed (uint* l = &addrlen)
            return Tmds.Linux.LibC.getpeername(sockfd, (sockaddr*)p, (socklen_t*)l);
    }

    public static nint send(int sockfd, ReadOnlySpan<byte> buf, int flags)
    {
        fixed (byte* p = buf) return (nint)(long)Tmds.Linux.LibC.send(sockfd, p, buf.Length, flags);
    }

    public static int setsockopt(int sockfd, int level, int optname, int value)
        => Tmds.Linux.LibC.setsockopt(sockfd, level, optname, &value, sizeof(int));

    public static int setsockopt(int sockfd, int level, int optname, linger value)
        => Tmds.Linux.LibC.setsockopt(sockfd, level, optname, &value, sizeof(linger));

    public static int getsockopt(int sockfd, int level, int optname, out int value)
    {
        int v = 0;
        socklen_t len = sizeof(int);
        int rc = Tmds.Linux.LibC.getsockopt(sockfd, level, optname, &v, &len);
        value = v;
        return rc;
    }
}
