// <sys/pidfd.h>: what Tmds.LibC does not bind: pidfd_open, pidfd_send_signal, pidfd_getfd
// (glibc 2.36). A process descriptor names one process and is never reused as a pid can be.
using System.Runtime.InteropServices;

namespace UnpServers.Interop;

#pragma warning disable CS0649, CS8981, IDE1006 // C names, lower case; fields are filled in by the kernel

/// <summary>
/// struct pidfd_info (&lt;linux/pidfd.h&gt;, Linux 6.13), its first 64 bytes: what PIDFD_GET_INFO
/// tells of the process a pidfd names. With PIDFD_INFO_EXIT (6.15), its wait status once it
/// has been reaped, whoever reaped it.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct pidfd_info
{
    public ulong mask;
    public ulong cgroupid;
    public uint pid, tgid, ppid, ruid, rgid, euid, egid, suid, sgid, fsuid, fsgid;
    public int exit_code;
}

public static unsafe partial class LibC
{
    [LibraryImport(Library, SetLastError = true)]
    public static partial int pidfd_open(int pid, uint flags);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int pidfd_send_signal(int pidfd, int sig, siginfo_t* info, uint flags);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int pidfd_getfd(int pidfd, int targetfd, uint flags);

    /// <summary>_IOWR(PIDFS_IOCTL_MAGIC 0xFF, 11, 64 bytes of struct pidfd_info).</summary>
    public const ulong PIDFD_GET_INFO = 0xC040FF0B;
    public const ulong PIDFD_INFO_EXIT = 1UL << 3;

    /// <summary>ioctl(pidfd, PIDFD_GET_INFO, &amp;info), info.mask saying what is asked; it says on return what was given.</summary>
    public static int ioctl_PIDFD_GET_INFO(int pidfd, ref pidfd_info info)
    {
        // Tmds.LibC's ioctl takes the request as an int; the kernel reads it as an unsigned int.
        fixed (pidfd_info* p = &info) return Tmds.Linux.LibC.ioctl(pidfd, unchecked((int)PIDFD_GET_INFO), p);
    }

    /// <summary>pidfd_send_signal(2) with no siginfo: like kill(2), but to the one process pidfd names.</summary>
    public static int pidfd_send_signal(int pidfd, int sig) => pidfd_send_signal(pidfd, sig, null, 0);
}
