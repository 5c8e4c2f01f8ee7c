// <sys/pidfd.h>: process descriptors, which name one process and are never reused
// as a pid can be (pidfd_open(2), pidfd_send_signal(2), pidfd_getfd(2); glibc 2.36).
using System.Runtime.InteropServices;

namespace UnpServers.Interop;

public static unsafe partial class LibC
{
    [LibraryImport(Library, SetLastError = true)]
    public static partial int pidfd_open(int pid, uint flags);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int pidfd_send_signal(int pidfd, int sig, siginfo_t* info, uint flags);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int pidfd_getfd(int pidfd, int targetfd, uint flags);

    /// <summary>pidfd_send_signal(2) with no siginfo: like kill(2), but to the one process pidfd names.</summary>
    public static int pidfd_send_signal(int pidfd, int sig) => pidfd_send_signal(pidfd, sig, null, 0);
}
