// <dirent.h>, <unistd.h>: reading a directory and its symbolic links without allocating, for
// /proc/PID/fd (which socket each descriptor is) and /proc itself (which processes there are).
using System.Runtime.InteropServices;

namespace UnpServers.Interop;

public static unsafe partial class LibC
{
    /// <summary>
    /// Fills buf with struct linux_dirent64 records: d_ino (8 bytes), d_off (8), d_reclen (2),
    /// d_type (1), then the NUL-terminated name; returns the bytes filled, 0 at the end, or -1.
    /// </summary>
    [LibraryImport(Library, SetLastError = true)]
    public static partial nint getdents64(int fd, byte* dirp, nuint count);

    [LibraryImport(Library, SetLastError = true)]
    public static partial nint readlinkat(int dirfd, byte* pathname, byte* buf, nuint bufsiz);

    // Pointer-free overloads.

    public static nint getdents64(int fd, Span<byte> buf)
    {
        fixed (byte* p = buf) return getdents64(fd, p, (nuint)buf.Length);
    }

    /// <param name="pathname">NUL-terminated, relative to dirfd.</param>
    /// <returns>The link's length in buf (not NUL-terminated, cut at buf.Length), or -1.</returns>
    public static nint readlinkat(int dirfd, ReadOnlySpan<byte> pathname, Span<byte> buf)
    {
        fixed (byte* p = pathname)
        fixed (byte* b = buf)
            return readlinkat(dirfd, p, b, (nuint)buf.Length);
    }
}
