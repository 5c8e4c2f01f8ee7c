// The system calls a server blocks in, by number, for the two architectures the kit runs on:
// /proc/PID/syscall gives the number of the call a sleeping process is in (proc(5)).
// Numbers: arch/x86/entry/syscalls/syscall_64.tbl and include/uapi/asm-generic/unistd.h (arm64).
using System.Runtime.InteropServices;

namespace UnpServers.Watch;

public static class Syscalls
{
    private static readonly Dictionary<int, string> X64 = new()
    {
        [0] = "read", [1] = "write", [7] = "poll", [17] = "pread64", [18] = "pwrite64", [19] = "readv", [20] = "writev",
        [23] = "select", [34] = "pause", [35] = "nanosleep", [40] = "sendfile", [42] = "connect", [43] = "accept",
        [44] = "sendto", [45] = "recvfrom", [46] = "sendmsg", [47] = "recvmsg", [61] = "wait4", [72] = "fcntl",
        [73] = "flock", [128] = "rt_sigtimedwait", [130] = "rt_sigsuspend", [202] = "futex", [230] = "clock_nanosleep",
        [232] = "epoll_wait", [247] = "waitid", [270] = "pselect6", [271] = "ppoll", [275] = "splice", [281] = "epoll_pwait",
        [288] = "accept4", [426] = "io_uring_enter", [441] = "epoll_pwait2", [449] = "futex_waitv",
    };

    private static readonly Dictionary<int, string> Arm64 = new()
    {
        [22] = "epoll_pwait", [25] = "fcntl", [32] = "flock", [63] = "read", [64] = "write", [65] = "readv", [66] = "writev",
        [67] = "pread64", [68] = "pwrite64", [71] = "sendfile", [72] = "pselect6", [73] = "ppoll", [76] = "splice",
        [95] = "waitid", [98] = "futex", [101] = "nanosleep", [115] = "clock_nanosleep", [133] = "rt_sigsuspend",
        [137] = "rt_sigtimedwait", [202] = "accept", [203] = "connect", [206] = "sendto", [207] = "recvfrom",
        [211] = "sendmsg", [212] = "recvmsg", [242] = "accept4", [260] = "wait4", [426] = "io_uring_enter",
        [441] = "epoll_pwait2", [449] = "futex_waitv",
    };

    private static readonly Dictionary<int, string>? Table = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => X64,
        Architecture.Arm64 => Arm64,
        _ => null,
    };

    /// <summary>The call's name, or null for one a server does not block in (or another architecture).</summary>
    public static string? Name(int number) => Table != null && Table.TryGetValue(number, out string? name) ? name : null;
}
