// <sys/resource.h>: what Tmds.LibC does not bind: getrlimit, setrlimit.
using System.Runtime.InteropServices;

namespace UnpServers.Interop;

#pragma warning disable CS0649, CS8981, IDE1006 // C names, lower case

/// <summary>struct rlimit (64-bit).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct rlimit
{
    public ulong rlim_cur;
    public ulong rlim_max;
}

public static unsafe partial class LibC
{
    [LibraryImport(Library, SetLastError = true)]
    public static partial int getrlimit(int resource, rlimit* rlim);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int setrlimit(int resource, rlimit* rlim);

    // Pointer-free overloads.

    public static int getrlimit(int resource, out rlimit rlim)
    {
        rlimit r;
        int rc = getrlimit(resource, &r);
        rlim = r;
        return rc;
    }

    public static int setrlimit(int resource, in rlimit rlim)
    {
        rlimit r = rlim;
        return setrlimit(resource, &r);
    }
}
