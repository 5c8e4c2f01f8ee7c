// <sys/signalfd.h>: what Tmds.LibC does not bind: signalfd, and reading its signalfd_siginfo.
using System.Runtime.InteropServices;

namespace UnpServers.Interop;

public static unsafe partial class LibC
{
    [LibraryImport(Library, SetLastError = true)]
    private static partial int signalfd(int fd, sigset_t* mask, int flags);

    public static int signalfd(int fd, in sigset_t mask, int flags)
    {
        sigset_t m = mask;
        return signalfd(fd, &m, flags);
    }

    /// <summary>read(2) of one signalfd_siginfo; returns bytes read or -1.</summary>
    public static nint read(int fd, out signalfd_siginfo info)
    {
        signalfd_siginfo i;
        nint n = read(fd, new Span<byte>(&i, sizeof(signalfd_siginfo)));
        info = i;
        return n;
    }
}
