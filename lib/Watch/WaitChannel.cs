// Where a sleeping process waits, in the book's words: accept, read, write, poll, select,
// lock... From the system call it is in (/proc/PID/syscall: its number and arguments), else
// from the kernel function it sleeps in (/proc/PID/wchan). Both need the right to trace it
// (ptrace access mode, proc(5)): for another user's process there is nothing to say.
using System.Buffers.Text;

namespace UnpServers.Watch;

public static class WaitChannel
{
    /// <summary>The calls and what they wait for; the descriptor is shown for those that take one.</summary>
    private static (string Word, bool Fd) Word(string call) => call switch
    {
        "accept" or "accept4" => ("accept", true),
        "read" or "readv" or "pread64" or "recvfrom" or "recvmsg" => ("read", true),
        "write" or "writev" or "pwrite64" or "sendto" or "sendmsg" or "sendfile" or "splice" => ("write", true),
        "connect" => ("connect", true),
        "poll" or "ppoll" => ("poll", false),
        "select" or "pselect6" => ("select", false),
        "epoll_wait" or "epoll_pwait" or "epoll_pwait2" => ("epoll_wait", false),
        "futex" or "futex_waitv" => ("lock", false),
        "fcntl" or "flock" => ("lock", true), // fcntl(F_SETLKW): UNP 30.7's my_lock_wait
        "wait4" or "waitid" => ("wait", false),
        "nanosleep" or "clock_nanosleep" => ("sleep", false),
        "pause" or "rt_sigsuspend" or "rt_sigtimedwait" => ("signal", false),
        _ => (call, false),
    };

    /// <summary>futex(2)'s FUTEX_WAIT_BITSET, with which glibc waits on a condition variable (pthread_cond_wait).</summary>
    private const long FutexWaitBitset = 9;
    private const long FutexCmdMask = 0x7f; // without FUTEX_PRIVATE_FLAG and FUTEX_CLOCK_REALTIME

    /// <summary>
    /// The call in the text of /proc/PID/syscall ("NR ARG1 ... ARG6 SP PC"): its number and
    /// first two arguments. False for "running" and for "-1 SP PC" (asleep, not in a call).
    /// </summary>
    public static bool TryParseSyscall(ReadOnlySpan<byte> text, out int number, out long arg0, out long arg1)
    {
        arg0 = arg1 = 0;
        if (!Utf8Parser.TryParse(text, out number, out int used) || number < 0) return false;
        text = text[used..];
        arg0 = NextHex(ref text);
        arg1 = NextHex(ref text);
        return true;
    }

    /// <summary>The words for a call and its first two arguments: "read fd 4", "accept fd 3", "lock"; null for a call a server does not wait in.</summary>
    public static string? Describe(int number, long arg0, long arg1)
    {
        string? call = Syscalls.Name(number);
        if (call == null) return null;
        (string word, bool fd) = Word(call);
        if (call == "futex" && (arg1 & FutexCmdMask) == FutexWaitBitset) word = "cond_wait";
        return fd ? $"{word} fd {arg0}" : word;
    }

    /// <summary>From the kernel function in /proc/PID/wchan, for when /proc/PID/syscall says nothing.</summary>
    public static string? FromWchan(ReadOnlySpan<byte> fn)
    {
        if (fn.IsEmpty || fn.SequenceEqual("0"u8)) return null;
        if (fn.SequenceEqual("inet_csk_accept"u8)) return "accept";
        if (fn.SequenceEqual("sk_wait_data"u8) || fn.SequenceEqual("wait_woken"u8) || fn.SequenceEqual("pipe_read"u8)
            || fn.SequenceEqual("unix_stream_data_wait"u8) || fn.SequenceEqual("signalfd_dequeue"u8)) return "read";
        if (fn.SequenceEqual("sk_stream_wait_memory"u8) || fn.SequenceEqual("pipe_write"u8)) return "write";
        if (fn.StartsWith("do_sys_poll"u8) || fn.StartsWith("do_poll"u8)) return "poll";
        if (fn.StartsWith("do_select"u8) || fn.StartsWith("core_sys_select"u8)) return "select";
        if (fn.SequenceEqual("ep_poll"u8) || fn.StartsWith("do_epoll_wait"u8)) return "epoll_wait";
        if (fn.StartsWith("futex_"u8)) return "lock";
        if (fn.EndsWith("lock_inode_wait"u8) || fn.StartsWith("fcntl_setlk"u8)) return "lock";
        if (fn.SequenceEqual("do_wait"u8) || fn.StartsWith("kernel_wait"u8)) return "wait";
        if (fn.SequenceEqual("do_nanosleep"u8) || fn.SequenceEqual("hrtimer_nanosleep"u8)) return "sleep";
        if (fn.SequenceEqual("do_signal_stop"u8)) return "stopped";
        return System.Text.Encoding.ASCII.GetString(fn);
    }

    private static long NextHex(ref ReadOnlySpan<byte> text)
    {
        while (!text.IsEmpty && text[0] == ' ') text = text[1..];
        if (text.StartsWith("0x"u8)) text = text[2..];
        if (!Utf8Parser.TryParse(text, out ulong v, out int used, 'x')) return 0;
        text = text[used..];
        return (long)v;
    }
}
