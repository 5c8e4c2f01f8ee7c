// <dirent.h>: what Tmds.LibC does not bind: getdents64, reading a directory without allocating,
// for /proc/PID/fd (which socket each descriptor is) and /proc itself (which processes there are).
using System.Runtime.InteropServices;

namespace UnpServers.Interop;

public static unsafe partial class LibC
{
    /// <summary>
    /// Fills buf with struct linux_dirent64 records: d_ino (8 bytes), d_off (8), d_reclen (2),
    /// d_type (1), then the NUL-terminated name; returns the bytes filled, 0 at the end, or -1.
    /// </summary>
    [LibraryImport(Library, SetLastError = true)]
    private static partial nint getdents64(int fd, byte* dirp, nuint count);

    public static nint getdents64(int fd, Span<byte> buf)
    {
        fixed (byte* p = buf) return getdents64(fd, p, (nuint)buf.Length);
    }
}
