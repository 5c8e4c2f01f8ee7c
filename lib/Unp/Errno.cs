using System.Runtime.InteropServices;
using System.Text;
using UnpServers.Interop;

namespace UnpServers.Unp;

/// <summary>errno as text: "Connection reset by peer (ECONNRESET)".</summary>
public static class Errno
{
    /// <summary>errno of the last LibraryImport call on this thread.</summary>
    public static int Last => Marshal.GetLastPInvokeError();

    public static string Name(int errnum) => LibC.errno_name(errnum);

    /// <summary>"Address already in use (EADDRINUSE)"</summary>
    public static string Describe(int errnum) => $"{LibC.strerror_string(errnum)} ({Name(errnum)})";

    // Built once, in the parent, before the first fork: a forked child reads this table and
    // allocates nothing (fork-safety R4).
    private static readonly byte[][] Texts = BuildTexts();

    private static byte[][] BuildTexts()
    {
        var texts = new byte[LibC.ErrnoTableSize][];
        for (int e = 0; e < texts.Length; e++) texts[e] = Encoding.UTF8.GetBytes(Describe(e));
        return texts;
    }

    /// <summary>The same text as bytes, without allocating: usable in a forked child.</summary>
    public static ReadOnlySpan<byte> Text(int errnum)
        => (uint)errnum < (uint)Texts.Length ? Texts[errnum] : "Unknown error"u8;
}
