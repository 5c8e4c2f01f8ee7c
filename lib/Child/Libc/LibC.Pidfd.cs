// <sys/pidfd.h>: process descriptors, which name one process and are never reused
// as a pid can be (pidfd_open(2), pidfd_send_signal(2), pidfd_getfd(2); glibc 2.36).
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

    [LibraryImport(Library, SetLastError = true, EntryPoint = "ioctl")]
    private static partial int ioctl_pidfd_info(int pidfd, ulong request, pidfd_info* info);

    /// <summary>_IOWR(PIDFS_IOCTL_MAGIC 0xFF, 11, 64 bytes of struct pidfd_info).</summary>
    public const ulong PIDFD_GET_INFO = 0xC040FF0B;
    public const ulong PIDFD_INFO_EXIT = 1UL << 3;

    /// <summary>ioctl(pidfd, PIDFD_GET_INFO, &amp;info), info.mask saying what is asked; it says on return what was given.</summary>
    public static int ioctl_PIDFD_GET_INFO(int pidfd, ref pidfd_info info)
    {
        fixed (pidfd_info* p = &info) return ioctl_pidfd_info(pidfd, PIDFD_GET_INFO, p);
    }

    /// <summary>pidfd_send_signal(2) with no siginfo: like kill(2), but to the one process pidfd names.</summary>
    public static int pidfd_send_signal(int pidfd, int sig) => pidfd_send_signal(pidfd, sig, null, 0);
}
