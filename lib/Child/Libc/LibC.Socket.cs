// <sys/socket.h>
using System.Runtime.InteropServices;

namespace UnpServers.Interop;

public static unsafe partial class LibC
{
    [LibraryImport(Library, SetLastError = true)]
    public static partial int socket(int domain, int type, int protocol);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int socketpair(int domain, int type, int protocol, int* sv);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int bind(int sockfd, byte* addr, uint addrlen);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int listen(int sockfd, int backlog);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int accept4(int sockfd, byte* addr, uint* addrlen, int flags);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int connect(int sockfd, byte* addr, uint addrlen);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int shutdown(int sockfd, int how);

    [LibraryImport(Library, SetLastError = true)]
    public static partial nint send(int sockfd, byte* buf, nuint len, int flags);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int setsockopt(int sockfd, int level, int optname, void* optval, uint optlen);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int getsockopt(int sockfd, int level, int optname, void* optval, uint* optlen);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int getsockname(int sockfd, byte* addr, uint* addrlen);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int getpeername(int sockfd, byte* addr, uint* addrlen);

    // Pointer-free overloads, so code outside Interop/ needs no unsafe blocks.

    public static int socketpair(int domain, int type, int protocol, out int fd0, out int fd1)
    {
        int* sv = stackalloc int[2];
        int rc = socketpair(domain, type, protocol, sv);
        fd0 = sv[0];
        fd1 = sv[1];
        return rc;
    }

    public static int bind(int sockfd, ref sockaddr_storage addr, uint addrlen)
    {
        fixed (sockaddr_storage* p = &addr) return bind(sockfd, (byte*)p, addrlen);
    }

    public static int connect(int sockfd, ref sockaddr_storage addr, uint addrlen)
    {
        fixed (sockaddr_storage* p = &addr) return connect(sockfd, (byte*)p, addrlen);
    }

    public static int accept4(int sockfd, ref sockaddr_storage addr, ref uint addrlen, int flags)
    {
        fixed (sockaddr_storage* p = &addr)
        fixed (uint* l = &addrlen)
            return accept4(sockfd, (byte*)p, l, flags);
    }

    public static int getsockname(int sockfd, ref sockaddr_storage addr, ref uint addrlen)
    {
        fixed (sockaddr_storage* p = &addr)
        fixed (uint* l = &addrlen)
            return getsockname(sockfd, (byte*)p, l);
    }

    public static int getpeername(int sockfd, ref sockaddr_storage addr, ref uint addrlen)
    {
        fixed (sockaddr_storage* p = &addr)
        fixed (uint* l = &addrlen)
            return getpeername(sockfd, (byte*)p, l);
    }

    public static nint send(int sockfd, ReadOnlySpan<byte> buf, int flags)
    {
        fixed (byte* p = buf) return send(sockfd, p, (nuint)buf.Length, flags);
    }

    public static int setsockopt(int sockfd, int level, int optname, int value)
        => setsockopt(sockfd, level, optname, &value, sizeof(int));

    public static int setsockopt(int sockfd, int level, int optname, linger value)
        => setsockopt(sockfd, level, optname, &value, (uint)sizeof(linger));

    public static int getsockopt(int sockfd, int level, int optname, out int value)
    {
        int v = 0;
        uint len = sizeof(int);
        int rc = getsockopt(sockfd, level, optname, &v, &len);
        value = v;
        return rc;
    }
}
