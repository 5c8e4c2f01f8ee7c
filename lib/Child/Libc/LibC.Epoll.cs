// <sys/epoll.h>: the readiness interface Linux servers use where UNP 6 uses select and poll
// (epoll(7)). The kernel keeps the interest list, so each wait costs what is ready, not what
// is watched.
using System.Runtime.InteropServices;

namespace UnpServers.Interop;

public static unsafe partial class LibC
{
    [LibraryImport(Library, SetLastError = true)]
    public static partial int epoll_create1(int flags);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int epoll_ctl(int epfd, int op, int fd, void* ev);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int epoll_wait(int epfd, void* events, int maxevents, int timeout);

    /// <summary>x86_64 glibc packs struct epoll_event (12 bytes); every other architecture aligns data (16).</summary>
    private static bool EpollPacked => RuntimeInformation.ProcessArchitecture == Architecture.X64;

    // Pointer-free overloads. They take and return the packed layout, converting where the
    // architecture's differs.

    /// <summary>epoll_ctl(2) with an event of these flags and this data (EPOLL_CTL_DEL ignores both).</summary>
    public static int epoll_ctl(int epfd, int op, int fd, uint events, ulong data)
    {
        if (EpollPacked)
        {
            epoll_event ev = new() { events = events, data = data };
            return epoll_ctl(epfd, op, fd, &ev);
        }
        epoll_event_aligned a = new() { events = events, data = data };
        return epoll_ctl(epfd, op, fd, &a);
    }

    /// <summary>epoll_wait(2) into events (at most 256 at a time); returns how many are ready, or -1.</summary>
    public static int epoll_wait(int epfd, Span<epoll_event> events, int timeout)
    {
        int max = Math.Min(events.Length, 256);
        if (EpollPacked)
        {
            fixed (epoll_event* p = events) return epoll_wait(epfd, p, max, timeout);
        }
        epoll_event_aligned* a = stackalloc epoll_event_aligned[max];
        int n = epoll_wait(epfd, a, max, timeout);
        for (int i = 0; i < n; i++) events[i] = new epoll_event { events = a[i].events, data = a[i].data };
        return n;
    }
}
