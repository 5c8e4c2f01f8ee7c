// sendmsg/recvmsg (<sys/socket.h>): Tmds.LibC's, with one buffer and one control message
// carrying one descriptor, pinned for the call (SCM_RIGHTS, UNP 15.7).
using Tmds.Linux;

namespace UnpServers.Interop;

public static unsafe partial class LibC
{
    public static nint sendmsg(int sockfd, ReadOnlySpan<byte> buf, ref cmsghdr_fd control, int flags)
    {
        fixed (byte* b = buf)
        fixed (cmsghdr_fd* c = &control)
        {
            iovec iov = new() { iov_base = b, iov_len = buf.Length };
            msghdr msg = new() { msg_iov = &iov, msg_iovlen = 1, msg_control = c, msg_controllen = sizeof(cmsghdr_fd) };
            return (nint)(long)Tmds.Linux.LibC.sendmsg(sockfd, &msg, flags);
        }
    }

    /// <summary>recvmsg into buf; control receives the control message, if any (controllen: its length, 0 if none).</summary>
    public static nint recvmsg(int sockfd, Span<byte> buf, ref cmsghdr_fd control, out nuint controllen, int flags)
    {
        fixed (byte* b = buf)
        fixed (cmsghdr_fd* c = &control)
        {
            iovec iov = new() { iov_base = b, iov_len = buf.Length };
            msghdr msg = new() { msg_iov = &iov, msg_iovlen = 1, msg_control = c, msg_controllen = sizeof(cmsghdr_fd) };
            nint n = (nint)(long)Tmds.Linux.LibC.recvmsg(sockfd, &msg, flags);
            controllen = (uint)msg.msg_controllen;
            return n;
        }
    }
}
