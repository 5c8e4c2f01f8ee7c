// UNP lib/error.c's err_sys text: errno as "Connection reset by peer (ECONNRESET)", as a string
// for start-up and as bytes a forked child can log without allocating.
using System.Runtime.InteropServices;
using System.Text;
using UnpServers.Interop;

namespace UnpServers.Unp;

/// <summary>errno as text: "Connection reset by peer (ECONNRESET)".</summary>
public static class Errno
{
    /// <summary>errno of the last LibraryImport call on this thread.</summary>
    public static int Last => Marshal.GetLastPInvokeError();

    /// <summary>"EADDRINUSE", or "E" + number when unnamed.</summary>
    public static string Name(int errnum)
    {
        LibC.strerrorname_np(errnum, out string? name);
        return name ?? $"E{errnum}";
    }

    /// <summary>"Address already in use", strerror(3)'s text.</summary>
    public static string Message(int errnum)
    {
        LibC.strerror(errnum, out string? text);
        return text ?? $"Unknown error {errnum}";
    }

    /// <summary>"Address already in use (EADDRINUSE)"</summary>
    public static string Describe(int errnum) => $"{Message(errnum)} ({Name(errnum)})";

    /// <summary>gai_strerror(3)'s text for an EAI_* code (UNP 11.6).</summary>
    public static string GaiText(int errcode)
    {
        LibC.gai_strerror(errcode, out string? text);
        return text ?? "unknown error";
    }

    /// <summary>Errno values are below this (Linux: EHWPOISON is 133).</summary>
    private const int TableSize = 134;

    // Built once, in the parent, before the first fork: a forked child reads this table and
    // allocates nothing (fork-safety R4).
    private static readonly byte[][] Texts = BuildTexts();

    private static byte[][] BuildTexts()
    {
        var texts = new byte[TableSize][];
        for (int e = 0; e < texts.Length; e++) texts[e] = Encoding.UTF8.GetBytes(Describe(e));
        return texts;
    }

    /// <summary>The same text as bytes, without allocating: usable in a forked child.</summary>
    public static ReadOnlySpan<byte> Text(int errnum)
        => (uint)errnum < (uint)Texts.Length ? Texts[errnum] : "Unknown error"u8;
}
