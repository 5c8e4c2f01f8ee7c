// <unistd.h>, <fcntl.h>: Tmds.LibC's descriptor calls (and sysconf), with pointer-free overloads.
namespace UnpServers.Interop;

public static unsafe partial class LibC
{
    public static int close(int fd) => Tmds.Linux.LibC.close(fd);

    public static int dup2(int oldfd, int newfd) => Tmds.Linux.LibC.dup2(oldfd, newfd);

    public static int fcntl(int fd, int cmd, int arg) => Tmds.Linux.LibC.fcntl(fd, cmd, arg);

    /// <summary>fcntl(fd, F_SETLKW or F_SETLK or F_GETLK, &amp;lock): record locks (UNP 30.7).</summary>
    public static int fcntl(int fd, int cmd, ref flock lock_)
    {
        fixed (flock* p = &lock_) return Tmds.Linux.LibC.fcntl(fd, cmd, p);
    }

    public static long lseek(int fd, long offset, int whence) => Tmds.Linux.LibC.lseek(fd, offset, whence);

    public static int ftruncate(int fd, long length) => Tmds.Linux.LibC.ftruncate(fd, length);

    // Spans over pinned or stack memory: no copy, no allocation.

    public static nint read(int fd, Span<byte> buf)
    {
        fixed (byte* p = buf) return (nint)(long)Tmds.Linux.LibC.read(fd, p, buf.Length);
    }

    public static nint write(int fd, ReadOnlySpan<byte> buf)
    {
        fixed (byte* p = buf) return (nint)(long)Tmds.Linux.LibC.write(fd, p, buf.Length);
    }

    public static nint pread(int fd, Span<byte> buf, long offset)
    {
        fixed (byte* p = buf) return (nint)(long)Tmds.Linux.LibC.pread(fd, p, buf.Length, offset);
    }

    /// <param name="pathname">NUL-terminated UTF-8 path.</param>
    public static int open(ReadOnlySpan<byte> pathname, int flags, int mode)
    {
        fixed (byte* p = pathname) return Tmds.Linux.LibC.open(p, flags, (ushort)mode);
    }

    /// <param name="pathname">NUL-terminated.</param>
    public static int access(ReadOnlySpan<byte> pathname, int mode)
    {
        fixed (byte* p = pathname) return Tmds.Linux.LibC.access(p, mode);
    }

    /// <param name="pathname">NUL-terminated, relative to dirfd.</param>
    /// <returns>The link's length in buf (not NUL-terminated, cut at buf.Length), or -1.</returns>
    public static nint readlinkat(int dirfd, ReadOnlySpan<byte> pathname, Span<byte> buf)
    {
        fixed (byte* p = pathname)
        fixed (byte* b = buf)
            return (nint)(long)Tmds.Linux.LibC.readlinkat(dirfd, p, b, buf.Length);
    }

    [BeforeFork]
    public static long sysconf(int name) => Tmds.Linux.LibC.sysconf(name);

    public static int isatty(int fd) => Tmds.Linux.LibC.isatty(fd);

    /// <param name="pathname">NUL-terminated.</param>
    public static int unlink(ReadOnlySpan<byte> pathname)
    {
        fixed (byte* p = pathname) return Tmds.Linux.LibC.unlink(p);
    }

    public static int pipe2(out int readfd, out int writefd, int flags)
    {
        int* fds = stackalloc int[2];
        int rc = Tmds.Linux.LibC.pipe2(fds, flags);
        readfd = fds[0];
        writefd = fds[1];
        return rc;
    }
}
