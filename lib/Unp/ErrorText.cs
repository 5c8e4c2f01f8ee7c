// UNP lib/error.c's err_sys text as strings, for start-up, the parent and the clients:
// "Address already in use (EADDRINUSE)". A forked child logs Errno.Text's bytes instead.
using System.Runtime.InteropServices;
using UnpServers.Interop;

namespace UnpServers.Unp;

public static class ErrorText
{
    /// <summary>"Address already in use (EADDRINUSE)"</summary>
    public static string Describe(int errnum)
        => $"{Marshal.GetPInvokeErrorMessage(errnum)} ({ErrnoName(errnum)})";

    /// <summary>"EADDRINUSE", or "E" + number when unnamed.</summary>
    public static string ErrnoName(int errnum) => Marshal.PtrToStringUTF8(LibC.strerrorname_np(errnum)) ?? $"E{errnum}";

    /// <summary>gai_strerror(3)'s text for an EAI_* code (UNP 11.6).</summary>
    public static string Gai(int errcode) => Marshal.PtrToStringUTF8(LibC.gai_strerror(errcode)) ?? "unknown error";

    /// <summary>"SIGTERM", or "SIG" + number when unnamed.</summary>
    public static string SignalName(int sig) => Marshal.PtrToStringUTF8(LibC.sigabbrev_np(sig)) is { } s ? "SIG" + s : $"SIG{sig}";
}
