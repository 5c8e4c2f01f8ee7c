// <sys/pidfd.h>: what Tmds.LibC does not bind: pidfd_open, pidfd_send_signal, pidfd_getfd
// (glibc 2.36). A process descriptor names one process and is never reused as a pid can be.
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
