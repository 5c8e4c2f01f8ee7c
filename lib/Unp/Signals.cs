using System.Text;
using UnpServers.Interop;

namespace UnpServers.Unp;

/// <summary>Signal numbers as text: "SIGTERM".</summary>
public static class Signals
{
    public static string Name(int sig) => LibC.signal_name(sig);

    // Built before any fork, so that logging a signal name allocates nothing.
    private static readonly byte[][] Names = Enumerable.Range(0, LibC.NSIG).Select(s => Encoding.ASCII.GetBytes(Name(s))).ToArray();

    public static ReadOnlySpan<byte> Text(int sig) => (uint)sig < (uint)Names.Length ? Names[sig] : "SIG?"u8;
}
