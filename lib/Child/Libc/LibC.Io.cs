// <unistd.h>, <fcntl.h>, <poll.h>: what Tmds.LibC does not bind (close_range, mkstemp), and poll.
using System.Runtime.InteropServices;

namespace UnpServers.Interop;

public static unsafe partial class LibC
{
    /// <summary>Closes every descriptor from first to last (glibc 2.34, Linux 5.9).</summary>
    [LibraryImport(Library, SetLastError = true)]
    public static partial int close_range(uint first, uint last, int flags);

    [BeforeFork]
    [LibraryImport(Library, SetLastError = true)]
    private static partial int mkstemp(byte* template);

    // Ours, though Tmds.LibC binds poll: its binding has SetLastError=false, so EINTR would be lost.
    [LibraryImport(Library, SetLastError = true)]
    private static partial int poll(pollfd* fds, nuint nfds, int timeout);

    /// <param name="template">NUL-terminated, ending in XXXXXX, which mkstemp replaces.</param>
    [BeforeFork]
    public static int mkstemp(Span<byte> template)
    {
        fixed (byte* p = template) return mkstemp(p);
    }

    public static int poll(Span<pollfd> fds, int nfds, int timeout)
    {
        fixed (pollfd* p = fds) return poll(p, (nuint)nfds, timeout);
    }
}
