// <time.h>
using System.Runtime.InteropServices;

namespace UnpServers.Interop;

public static unsafe partial class LibC
{
    [LibraryImport(Library)]
    public static partial long time(long* tloc);

    [LibraryImport(Library)]
    public static partial byte* ctime_r(long* timep, byte* buf);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int clock_gettime(int clockid, timespec* tp);

    // Pointer-free overloads.

    public static long time() => time(null);

    public static int clock_gettime(int clockid, out timespec tp)
    {
        timespec t;
        int rc = clock_gettime(clockid, &t);
        tp = t;
        return rc;
    }

    /// <summary>ctime_r(3) into buf (26 bytes or more, as ctime_r requires); returns the text length, or -1.</summary>
    public static int ctime_r(long timep, Span<byte> buf)
    {
        if (buf.Length < 26) return -1;
        fixed (byte* b = buf)
        {
            if (ctime_r(&timep, b) == null) return -1;
            int n = 0;
            while (n < buf.Length && b[n] != 0) n++;
            return n;
        }
    }
}
