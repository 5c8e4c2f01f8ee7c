// UNP 5.8 Signal(), and signal numbers as text ("SIGTERM") a forked child can log.
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using UnpServers.Interop;

namespace UnpServers.Unp;

public static class Signals
{
    private static readonly byte[][] Names = new byte[NSIG][];

    // Built by the parent before its first fork, so that logging a signal name allocates nothing.
    static Signals()
    {
        for (int sig = 0; sig < Names.Length; sig++)
            Names[sig] = Encoding.ASCII.GetBytes("SIG" + (Marshal.PtrToStringUTF8(LibC.sigabbrev_np(sig)) ?? sig.ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>"SIGTERM"</summary>
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
