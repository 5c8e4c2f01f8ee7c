// <sys/select.h>: what Tmds.LibC does not bind: select and fd_set (UNP 6.3), a fixed bitmap of
// FD_SETSIZE (1024) descriptors. A descriptor of 1024 or more cannot be put in one: that is
// select's limit, which FD_SET below refuses to pass rather than write past the set, as glibc's
// fortified macro aborts.
using System.Runtime.InteropServices;

namespace UnpServers.Interop;

public static unsafe partial class LibC
{
    [LibraryImport(Library, SetLastError = true)]
    public static partial int select(int nfds, fd_set* readfds, fd_set* writefds, fd_set* exceptfds, timeval* timeout);

    /// <summary>select(2) on a read and a write set; timeoutMs &lt; 0 waits for ever (a null timeout).</summary>
    public static int select(int nfds, ref fd_set readfds, ref fd_set writefds, int timeoutMs)
    {
        timeval tv = new() { tv_sec = timeoutMs / 1000, tv_usec = timeoutMs % 1000 * 1000 };
        fixed (fd_set* r = &readfds)
        fixed (fd_set* w = &writefds)
            return select(nfds, r, w, null, timeoutMs < 0 ? null : &tv);
    }

    // The <sys/select.h> macros. fd must be below FD_SETSIZE: FD_SET ignores, and FD_ISSET
    // answers false for, any other (the caller checks first, as UNP's servers must).

    public static void FD_ZERO(out fd_set set) => set = default;

    public static void FD_SET(int fd, ref fd_set set)
    {
        if ((uint)fd < FD_SETSIZE) set[fd / 64] |= 1UL << (fd % 64);
    }

    public static void FD_CLR(int fd, ref fd_set set)
    {
        if ((uint)fd < FD_SETSIZE) set[fd / 64] &= ~(1UL << (fd % 64));
    }

    public static bool FD_ISSET(int fd, in fd_set set)
        => (uint)fd < FD_SETSIZE && (set[fd / 64] & (1UL << (fd % 64))) != 0;
}
