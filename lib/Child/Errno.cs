// UNP lib/error.c's err_sys text, as bytes a forked child logs without allocating:
// "Connection reset by peer (ECONNRESET)". Strings for the parent are Unp.ErrorText.
using System.Runtime.InteropServices;
using System.Text;
using UnpServers.Interop;

namespace UnpServers.Unp;

public static class Errno
{
    /// <summary>errno of the last libc call on this thread (Tmds.LibC's errno).</summary>
    public static int Last => errno;

    /// <summary>Errno values are below this (Linux: EHWPOISON is 133).</summary>
    private const int TableSize = 134;

    private static readonly byte[][] Texts = new byte[TableSize][];

    // Built by the parent before its first fork (Rehearsal runs every static constructor here).
    static Errno()
    {
        for (int e = 0; e < TableSize; e++)
            Texts[e] = Encoding.UTF8.GetBytes($"{Marshal.GetPInvokeErrorMessage(e)} ({Marshal.PtrToStringUTF8(LibC.strerrorname_np(e)) ?? $"E{e}"})");
    }

    /// <summary>"Connection reset by peer (ECONNRESET)", allocation-free: usable in a forked child.</summary>
    public static ReadOnlySpan<byte> Text(int errnum)
        => (uint)errnum < (uint)Texts.Length ? Texts[errnum] : "Unknown error"u8;
}
