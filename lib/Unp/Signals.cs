// UNP 5.8 Signal(), and signal numbers as text ("SIGTERM") a forked child can log.
using System.Text;
using UnpServers.Interop;

namespace UnpServers.Unp;

/// <summary>Signal numbers as text: "SIGTERM".</summary>
public static class Signals
{
    /// <summary>"SIGTERM", or "SIG" + number when unnamed.</summary>
    public static string Name(int sig)
    {
        LibC.sigabbrev_np(sig, out string? abbrev);
        return abbrev is { } s ? "SIG" + s : $"SIG{sig}";
    }

    // Built before any fork, so that logging a signal name allocates nothing.
    private static readonly byte[][] Names = Enumerable.Range(0, LibC.NSIG).Select(s => Encoding.ASCII.GetBytes(Name(s))).ToArray();

    public static ReadOnlySpan<byte> Text(int sig) => (uint)sig < (uint)Names.Length ? Names[sig] : "SIG?"u8;

    /// <summary>
    /// UNP's Signal(): sets a disposition (SIG_DFL or SIG_IGN; C# cannot be a handler) with an
    /// empty mask and the given flags. Allocation-free: the forked child uses it.
    /// </summary>
    public static int Signal(int sig, nint disposition, int flags = 0)
    {
        sigaction_t act = default;
        act.sa_handler = disposition;
        act.sa_flags = flags;
        return LibC.sigaction(sig, act);
    }
}
