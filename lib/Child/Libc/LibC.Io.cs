// <unistd.h>, <fcntl.h>, <poll.h>: descriptors and their I/O.
using System.Runtime.InteropServices;

namespace UnpServers.Interop;

public static unsafe partial class LibC
{
    [LibraryImport(Library, SetLastError = true)]
    public static partial nint read(int fd, byte* buf, nuint count);

    [LibraryImport(Library, SetLastError = true)]
    public static partial nint write(int fd, byte* buf, nuint count);

    [LibraryImport(Library, SetLastError = true)]
    public static partial nint pread(int fd, byte* buf, nuint count, long offset);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int open(byte* pathname, int flags, int mode);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int access(byte* pathname, int mode);

    /// <summary>Closes every descriptor from first to last (glibc 2.34, Linux 5.9).</summary>
    [LibraryImport(Library, SetLastError = true)]
    public static partial int close_range(uint first, uint last, int flags);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int dup2(int oldfd, int newfd);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int fcntl(int fd, int cmd, int arg);

    [LibraryImport(Library, SetLastError = true, EntryPoint = "fcntl")]
    private static partial int fcntl_flock(int fd, int cmd, flock* lock_);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int mkstemp(byte* template);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int unlink(byte* pathname);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int poll(pollfd* fds, nuint nfds, int timeout);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int pipe2(int* pipefd, int flags);

    [LibraryImport(Library, SetLastError = true)]
    public static partial long lseek(int fd, long offset, int whence);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int ftruncate(int fd, long length);

    // Pointer-free overloads. Spans over pinned or stack memory: no copy, no allocation.

    public static nint read(int fd, Span<byte> buf)
    {
        fixed (byte* p = buf) return read(fd, p, (nuint)buf.Length);
    }

    public static nint write(int fd, ReadOnlySpan<byte> buf)
    {
        fixed (byte* p = buf) return write(fd, p, (nuint)buf.Length);
    }

    public static nint pread(int fd, Span<byte> buf, long offset)
    {
        fixed (byte* p = buf) return pread(fd, p, (nuint)buf.Length, offset);
    }

    /// <param name="pathname">NUL-terminated UTF-8 path.</param>
    public static int open(ReadOnlySpan<byte> pathname, int flags, int mode)
    {
        fixed (byte* p = pathname) return open(p, flags, mode);
    }

    /// <summary>fcntl(fd, F_SETLKW or F_SETLK or F_GETLK, &amp;lock): record locks (UNP 30.7).</summary>
    public static int fcntl(int fd, int cmd, ref flock lock_)
    {
        fixed (flock* p = &lock_) return fcntl_flock(fd, cmd, p);
    }

    /// <param name="template">NUL-terminated, ending in XXXXXX, which mkstemp replaces.</param>
    public static int mkstemp(Span<byte> template)
    {
        fixed (byte* p = template) return mkstemp(p);
    }

    /// <param name="pathname">NUL-terminated.</param>
    public static int access(ReadOnlySpan<byte> pathname, int mode)
    {
        fixed (byte* p = pathname) return access(p, mode);
    }

    /// <param name="pathname">NUL-terminated.</param>
    public static int unlink(ReadOnlySpan<byte> pathname)
    {
        fixed (byte* p = pathname) return unlink(p);
    }

    public static int poll(Span<pollfd> fds, int nfds, int timeout)
    {
        fixed (pollfd* p = fds) return poll(p, (nuint)nfds, timeout);
    }

    public static int pipe2(out int readfd, out int writefd, int flags)
    {
        int* fds = stackalloc int[2];
        int rc = pipe2(fds, flags);
        readfd = fds[0];
        writefd = fds[1];
        return rc;
    }
}
