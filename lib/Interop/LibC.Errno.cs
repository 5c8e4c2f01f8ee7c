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

    /// <summary>Errno values are below this (Linux: EHWPOISON is 133).</summary>
    public const int ErrnoTableSize = 134;

    /// <summary>strerror(3) as a string.</summary>
    public static string strerror_string(int errnum) => CString(strerror(errnum)) ?? $"Unknown error {errnum}";

    /// <summary>strerrorname_np(3) as a string ("EADDRINUSE"), or "E" + number when unnamed.</summary>
    public static string errno_name(int errnum) => CString(strerrorname_np(errnum)) ?? $"E{errnum}";

    /// <summary>"SIGTERM", or "SIG" + number when unnamed.</summary>
    public static string signal_name(int sig) => CString(sigabbrev_np(sig)) is { } s ? "SIG" + s : $"SIG{sig}";

    /// <summary>Copies a NUL-terminated C string returned by libc; null for NULL.</summary>
    public static string? CString(byte* s) => s == null ? null : Marshal.PtrToStringUTF8((nint)s);
}
