// <string.h>: what Tmds.LibC does not bind: strerror, strerrorname_np, sigabbrev_np (glibc 2.32+),
// errno and signal numbers as text.
using System.Runtime.InteropServices;

namespace UnpServers.Interop;

public static partial class LibC
{
    /// <summary>"Address already in use"</summary>
    [LibraryImport(Library)]
    public static partial nint strerror(int errnum);

    /// <summary>"EADDRINUSE", or NULL for an unknown value.</summary>
    [LibraryImport(Library)]
    public static partial nint strerrorname_np(int errnum);

    /// <summary>"TERM" for SIGTERM, or NULL for an unknown value.</summary>
    [LibraryImport(Library)]
    public static partial nint sigabbrev_np(int sig);
}
