// <string.h>: errno and signal numbers as text (strerrorname_np and sigabbrev_np need glibc 2.32+).
using System.Runtime.InteropServices;

namespace UnpServers.Interop;

public static unsafe partial class LibC
{
    /// <summary>"Address already in use"</summary>
    [LibraryImport(Library)]
    public static partial byte* strerror(int errnum);

    /// <summary>"EADDRINUSE", or NULL for an unknown value.</summary>
    [LibraryImport(Library)]
    public static partial byte* strerrorname_np(int errnum);

    /// <summary>"TERM" for SIGTERM, or NULL for an unknown value.</summary>
    [LibraryImport(Library)]
    public static partial byte* sigabbrev_np(int sig);

    // Pointer-free overloads: the C string copied into a managed string, null for NULL.

    public static void strerror(int errnum, out string? text) => text = Marshal.PtrToStringUTF8((nint)strerror(errnum));

    public static void strerrorname_np(int errnum, out string? name) => name = Marshal.PtrToStringUTF8((nint)strerrorname_np(errnum));

    public static void sigabbrev_np(int sig, out string? abbrev) => abbrev = Marshal.PtrToStringUTF8((nint)sigabbrev_np(sig));
}
