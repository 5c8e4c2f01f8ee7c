// UNP 15.7 write_fd / read_fd: a descriptor sent over a Unix-domain socket as SCM_RIGHTS
// ancillary data, with at least one byte of normal data. Used by prefork-pass (UNP 30.9);
// read_fd runs in a forked child, so neither allocates nor throws.
using UnpServers.Interop;

namespace UnpServers.Unp;

public static class FdPassing
{
    /// <summary>write_fd: sends data and a copy of sendfd; the byte count, or -1 with errno.</summary>
    public static nint WriteFd(int fd, ReadOnlySpan<byte> data, int sendfd)
    {
        cmsghdr_fd control = new() { cmsg_len = CmsgLen, cmsg_level = SOL_SOCKET, cmsg_type = SCM_RIGHTS, fd = sendfd };
        for (;;)
        {
            nint n = LibC.sendmsg(fd, data, ref control, MSG_NOSIGNAL);
            if (n >= 0 || Errno.Last != EINTR) return n;
        }
    }

    /// <summary>
    /// read_fd: reads data and the descriptor that came with it (close-on-exec), or -1 in
    /// recvfd if none came. The byte count, 0 at EOF, or -1 with errno.
    /// </summary>
    public static nint ReadFd(int fd, Span<byte> data, out int recvfd)
    {
        recvfd = -1;
        cmsghdr_fd control = default;
        nint n;
        nuint controllen;
        while ((n = LibC.recvmsg(fd, data, ref control, out controllen, MSG_CMSG_CLOEXEC)) < 0 && Errno.Last == EINTR) { }
        if (n > 0 && controllen >= CmsgLen && control.cmsg_len == CmsgLen
            && control.cmsg_level == SOL_SOCKET && control.cmsg_type == SCM_RIGHTS)
            recvfd = control.fd;
        return n;
    }

    /// <summary>CMSG_LEN(sizeof(int)) on 64-bit Linux: a 16-byte cmsghdr and the int.</summary>
    private const nuint CmsgLen = 20;
}
