// The C structures Tmds.LibC does not have (its others are used by their C names, Tmds.LibC.props),
// laid out as glibc has them on 64-bit Linux. All blittable.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace UnpServers.Interop;

#pragma warning disable CS0649, CS8981, IDE1006 // C names, lower case; fields are filled in by libc

/// <summary>
/// The package's struct sigaction without its pointers: its handler is a void *, which the
/// code outside Libc/ (no unsafe code) cannot set or compare. Tmds/Signal.cs copies it.
/// </summary>
public struct sigaction_t
{
    public nint sa_handler;
    public sigset_t sa_mask;
    public int sa_flags;
}

/// <summary>struct signalfd_siginfo: what read(2) on a signalfd returns, 128 bytes.</summary>
[StructLayout(LayoutKind.Sequential, Size = 128)]
public struct signalfd_siginfo
{
    public uint ssi_signo;
    public int ssi_errno;
    public int ssi_code;
    public uint ssi_pid;
    public uint ssi_uid;
    public int ssi_fd;
    public uint ssi_tid;
    public uint ssi_band;
    public uint ssi_overrun;
    public uint ssi_trapno;
    public int ssi_status;
    public int ssi_int;
    public ulong ssi_ptr;
    public ulong ssi_utime;
    public ulong ssi_stime;
    public ulong ssi_addr;
}

/// <summary>
/// siginfo_t, only the SIGCHLD fields that waitid fills in. Ours, though Tmds.LibC has one: its
/// si_code is at offset 4, where glibc has si_errno (si_code is at 8).
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 128)]
public struct siginfo_t
{
    [FieldOffset(0)] public int si_signo;
    [FieldOffset(4)] public int si_errno;
    [FieldOffset(8)] public int si_code;
    [FieldOffset(16)] public int si_pid;
    [FieldOffset(20)] public uint si_uid;
    [FieldOffset(24)] public int si_status;
}

/// <summary>fd_set: FD_SETSIZE (1024) bits, as glibc's array of longs.</summary>
[InlineArray(16)]
public struct fd_set
{
    private ulong _bits;
}

/// <summary>struct timespec (64-bit).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct timespec
{
    public long tv_sec;
    public long tv_nsec;
}

/// <summary>struct timeval (64-bit): select's time-out.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct timeval
{
    public long tv_sec;
    public long tv_usec;
}

/// <summary>struct addrinfo as getaddrinfo returns it (glibc order: addr before canonname).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct addrinfo
{
    public int ai_flags;
    public int ai_family;
    public int ai_socktype;
    public int ai_protocol;
    public uint ai_addrlen;
    public nint ai_addr;      // struct sockaddr *
    public nint ai_canonname; // char *
    public nint ai_next;      // struct addrinfo *
}

/// <summary>struct passwd (glibc, 64-bit).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct passwd
{
    public nint pw_name;
    public nint pw_passwd;
    public uint pw_uid;
    public uint pw_gid;
    public nint pw_gecos;
    public nint pw_dir;
    public nint pw_shell;
}

/// <summary>
/// One control message carrying one descriptor: a struct cmsghdr followed by an int, padded
/// to CMSG_SPACE(sizeof(int)) = 24 bytes on 64-bit Linux (UNP 15.7's control_un).
/// </summary>
[StructLayout(LayoutKind.Sequential, Size = 24)]
public struct cmsghdr_fd
{
    public nuint cmsg_len;   // CMSG_LEN(sizeof(int)) = 20
    public int cmsg_level;
    public int cmsg_type;
    public int fd;
}

/// <summary>struct tm (glibc, 64-bit): the broken-down time, with the BSD fields glibc adds.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct tm
{
    public int tm_sec, tm_min, tm_hour, tm_mday, tm_mon, tm_year, tm_wday, tm_yday, tm_isdst;
    /// <summary>Seconds east of UTC.</summary>
    public long tm_gmtoff;
    public nint tm_zone;
}
