// <string.h>: errno and signal numbers as text (strerrorname_np and sigabbrev_np need glibc 2.32+).
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
