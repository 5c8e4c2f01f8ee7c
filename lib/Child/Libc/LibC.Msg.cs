// sendmsg/recvmsg: passing a descriptor over a Unix-domain socket (SCM_RIGHTS, UNP 15.7).
using System.Runtime.InteropServices;

namespace UnpServers.Interop;

public static unsafe partial class LibC
{
    [LibraryImport(Library, SetLastError = true)]
    public static partial nint sendmsg(int sockfd, msghdr* msg, int flags);

    [LibraryImport(Library, SetLastError = true)]
    public static partial nint recvmsg(int sockfd, msghdr* msg, int flags);

    // Pointer-free overloads: one buffer and one control message, pinned for the call.

    public static nint sendmsg(int sockfd, ReadOnlySpan<byte> buf, ref cmsghdr_fd control, int flags)
    {
        fixed (byte* b = buf)
        fixed (cmsghdr_fd* c = &control)
        {
            iovec iov = new() { iov_base = (nint)b, iov_len = (nuint)buf.Length };
            msghdr msg = new() { msg_iov = (nint)(&iov), msg_iovlen = 1, msg_control = (nint)c, msg_controllen = (nuint)sizeof(cmsghdr_fd) };
            return sendmsg(sockfd, &msg, flags);
        }
    }

    /// <summary>recvmsg into buf; control receives the control message, if any (controllen: its length, 0 if none).</summary>
    public static nint recvmsg(int sockfd, Span<byte> buf, ref cmsghdr_fd control, out nuint controllen, int flags)
    {
        fixed (byte* b = buf)
        fixed (cmsghdr_fd* c = &control)
        {
            iovec iov = new() { iov_base = (nint)b, iov_len = (nuint)buf.Length };
            msghdr msg = new() { msg_iov = (nint)(&iov), msg_iovlen = 1, msg_control = (nint)c, msg_controllen = (nuint)sizeof(cmsghdr_fd) };
            nint n = recvmsg(sockfd, &msg, flags);
            controllen = msg.msg_controllen;
            return n;
        }
    }
}
