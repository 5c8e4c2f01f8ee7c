// <string.h>: what Tmds.LibC does not bind: strerrorname_np, sigabbrev_np (glibc 2.32+), errno
// and signal numbers as names. strerror's text is the BCL's Marshal.GetPInvokeErrorMessage
// (glibc's strerror_r, the same text for every errno).
using System.Runtime.InteropServices;

namespace UnpServers.Interop;

public static partial class LibC
{
    /// <summary>"EADDRINUSE", or NULL for an unknown value.</summary>
    [LibraryImport(Library)]
    public static partial nint strerrorname_np(int errnum);

    /// <summary>"TERM" for SIGTERM, or NULL for an unknown value.</summary>
    [LibraryImport(Library)]
    public static partial nint sigabbrev_np(int sig);
}
