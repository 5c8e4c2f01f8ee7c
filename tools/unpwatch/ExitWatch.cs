// How exits and reapings are seen as they happen, not a frame later. Each watched process has a
// pidfd in an epoll set of its own (which sits in the main loop's set, and is drained between
// the parts of a frame too): it becomes readable when the process exits (pidfd_open(2)), and the
// zombie's status is read at once from /proc/PID/stat. If its parent was quicker, the pidfd
// still gives it (PIDFD_GET_INFO with PIDFD_INFO_EXIT, Linux 6.15). Nothing tells a third
// process of a reaping, so an exited process is looked at again every millisecond for 20 ms,
// then less and less often (up to once a frame) until it is gone: a zombie's life is timed to
// the millisecond (UNP 5.9: the time between a child's exit and its parent's waitpid).
using System.Diagnostics;
using UnpServers.Interop;
using UnpServers.Unp;

namespace UnpServers.UnpWatch;

public sealed class ExitWatch : IDisposable
{
    private static readonly long FirstLook = Stopwatch.Frequency / 1000;
    private static readonly long LongestWait = Stopwatch.Frequency / 10;

    /// <summary>Looks 1 ms apart before they slow down: a zombie's life is timed to 1 ms for its first 20.</summary>
    private const int SteadyLooks = 20;

    private readonly int _epfd;
    /// <summary>Per pid: when it is due for a look, and how many looks it has had.</summary>
    private readonly Dictionary<int, (long At, int Looks)> _looks = [];

    /// <param name="live">False for one frame (--once): no pidfds.</param>
    public ExitWatch(bool live)
    {
        _epfd = live ? LibC.epoll_create1(EPOLL_CLOEXEC) : -1;
        if (live && _epfd < 0) throw new UnpException("epoll_create1", Errno.Last);
    }

    /// <summary>The epoll set of the pidfds: readable when a watched process has exited (-1 for --once).</summary>
    public int Fd => _epfd;

    /// <summary>Opens t's pidfd (close-on-exec, as pidfd_open makes it) and watches it.</summary>
    public void Open(WatchedTask t)
    {
        if (_epfd < 0) return;
        int fd = LibC.pidfd_open(t.Pid, 0);
        if (fd < 0) return; // gone already, or a kernel before 5.3: the frames still see the exit
        if (LibC.epoll_ctl(_epfd, EPOLL_CTL_ADD, fd, EPOLLIN, (uint)t.Pid) < 0)
        {
            LibC.close(fd);
            return;
        }
        t.PidFd = fd;
    }

    /// <summary>The pids whose pidfds say they have exited, appended to into (cleared first). Does not wait.</summary>
    public List<int> Exited(List<int> into)
    {
        into.Clear();
        if (_epfd < 0) return into;
        Span<epoll_event> ready = stackalloc epoll_event[64];
        int n = LibC.epoll_wait(_epfd, ready, 0);
        for (int i = 0; i < n; i++) into.Add(ready[i].data.fd);
        return into;
    }

    /// <summary>It has exited: its pidfd has said so (and would stay readable). Kept for ExitStatus.</summary>
    public void Stop(WatchedTask t)
    {
        if (t.PidFd >= 0) LibC.epoll_ctl(_epfd, EPOLL_CTL_DEL, t.PidFd, 0, 0);
    }

    /// <summary>The wait status of a process reaped before /proc showed it as a zombie, from its pidfd; null if the kernel cannot say.</summary>
    public static int? ExitStatus(WatchedTask t)
    {
        if (t.PidFd < 0) return null;
        var info = new pidfd_info { mask = LibC.PIDFD_INFO_EXIT };
        return LibC.ioctl_PIDFD_GET_INFO(t.PidFd, ref info) == 0 && (info.mask & LibC.PIDFD_INFO_EXIT) != 0 ? info.exit_code : null;
    }

    public void Close(WatchedTask t)
    {
        if (t.PidFd < 0) return;
        Stop(t);
        LibC.close(t.PidFd);
        t.PidFd = -1;
    }

    /// <summary>Looks at pid again every millisecond for a while, then more and more slowly, until Done.</summary>
    public void LookUntilReaped(int pid, long now) => _looks.TryAdd(pid, (now + FirstLook, 0));

    public void Done(int pid) => _looks.Remove(pid);

    /// <summary>The pids due for a look now, appended to into (cleared first).</summary>
    public List<int> Due(long now, List<int> into)
    {
        into.Clear();
        foreach (var (pid, (at, _)) in _looks)
            if (at <= now) into.Add(pid);
        foreach (int pid in into)
        {
            int looks = _looks[pid].Looks + 1;
            _looks[pid] = (now + Wait(looks), looks);
        }
        return into;
    }

    private static long Wait(int looks)
        => looks < SteadyLooks ? FirstLook : Math.Min(FirstLook << Math.Min(looks - SteadyLooks + 1, 20), LongestWait);

    /// <summary>When the next look is due (Stopwatch ticks), or long.MaxValue.</summary>
    public long NextLook()
    {
        long next = long.MaxValue;
        foreach (var (_, (at, _)) in _looks) next = Math.Min(next, at);
        return next;
    }

    public void Dispose()
    {
        if (_epfd >= 0) LibC.close(_epfd);
    }
}
