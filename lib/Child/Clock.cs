// UNP 1.2, 4.8: the daytime server's reply, the time as ctime(3) prints it.
using UnpServers.Interop;

namespace UnpServers.Unp;

public static class Clock
{
    /// <summary>
    /// Now, as ctime_r(3) writes it into buf (26 bytes or more): "Sat Nov 21 18:09:00 2026\n".
    /// Returns the length, or -1. Allocation-free: a forked child calls it (fork-safety R4).
    /// </summary>
    public static int CtimeNow(Span<byte> buf) => LibC.ctime_r(LibC.time(), buf);
}
