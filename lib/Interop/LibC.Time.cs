// <time.h>
using System.Runtime.InteropServices;

namespace UnpServers.Interop;

public static unsafe partial class LibC
{
    [LibraryImport(Library)]
    public static partial long time(long* tloc);

    [LibraryImport(Library)]
    public static partial byte* ctime_r(long* timep, byte* buf);

    /// <summary>ctime_r(3) of now into buf (26 bytes or more): "Sat Nov 21 18:09:00 2026\n". Returns the length, or -1.</summary>
    public static int ctime_now(Span<byte> buf)
    {
        if (buf.Length < 26) return -1;
        long t = time(null);
        fixed (byte* b = buf)
        {
            if (ctime_r(&t, b) == null) return -1;
            int n = 0;
            while (n < buf.Length && b[n] != 0) n++;
            return n;
        }
    }
}
