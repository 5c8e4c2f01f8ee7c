// <sys/epoll.h>: Tmds.LibC's epoll calls, the readiness interface Linux servers use where UNP 6
// uses select and poll (epoll(7)). The package lays struct epoll_event out per architecture
// (packed, 12 bytes, on x86_64; 16 on arm64), so the events are passed as they are.
namespace UnpServers.Interop;

public static unsafe partial class LibC
{
    public static int epoll_create1(int flags) => Tmds.Linux.LibC.epoll_create1(flags);

    /// <summary>epoll_ctl(2) with an event of these flags and this data (EPOLL_CTL_DEL ignores both).</summary>
    public static int epoll_ctl(int epfd, int op, int fd, int events, ulong data)
    {
        epoll_event ev = default;
        ev.events = events;
        ev.data.u64 = data;
        return Tmds.Linux.LibC.epoll_ctl(epfd, op, fd, &ev);
    }

    /// <summary>epoll_wait(2) into events; returns how many are ready, or -1.</summary>
    public static int epoll_wait(int epfd, Span<epoll_event> events, int timeout)
    {
        fixed (epoll_event* p = events) return Tmds.Linux.LibC.epoll_wait(epfd, p, events.Length, timeout);
    }
}
