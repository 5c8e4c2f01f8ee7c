// <time.h>: what Tmds.LibC does not bind: time, clock_gettime, tzset, localtime_r. The last two
// take glibc's time-zone lock, which fork() does not reset (Clock.cs says why): they are for the
// parent only, [BeforeFork], and no child calls them.
using System.Runtime.InteropServices;

namespace UnpServers.Interop;

public static unsafe partial class LibC
{
    [LibraryImport(Library)]
    public static partial long time(long* tloc);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int clock_gettime(int clockid, timespec* tp);

    [BeforeFork]
    [LibraryImport(Library)]
    public static partial void tzset();

    [BeforeFork]
    [LibraryImport(Library)]
    public static partial tm* localtime_r(long* timep, tm* result);

    // Pointer-free overloads.

    public static long time() => time(null);

    public static int clock_gettime(int clockid, out timespec tp)
    {
        timespec t;
        int rc = clock_gettime(clockid, &t);
        tp = t;
        return rc;
    }

    /// <summary>localtime_r(3): false if it failed.</summary>
    [BeforeFork]
    public static bool localtime_r(long timep, out tm result)
    {
        fixed (tm* r = &result) return localtime_r(&timep, r) != null;
    }
}
