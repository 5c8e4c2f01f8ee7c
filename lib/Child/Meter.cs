// UNP 30.6 meter(): one counter per pre-forked child, in memory the parent and every child
// share (MAP_SHARED | MAP_ANONYMOUS), so the parent can print how the connections were spread
// among its children (figure 30.13). A child writes only its own slot; no lock is needed.
using System.Runtime.InteropServices;
using UnpServers.Interop;

namespace UnpServers.Unp;

public sealed class Meter
{
    private readonly nint _base;

    public int Count { get; }

    private Meter(nint address, int count) => (_base, Count) = (address, count);

    /// <summary>Maps count zeroed counters; called in the parent, before the first fork. Null with errno set if mmap fails.</summary>
    [BeforeFork]
    public static Meter? Create(int count)
    {
        nint p = LibC.mmap(0, (nuint)(count * sizeof(long)), PROT_READ | PROT_WRITE,
                           MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (p == LibC.MAP_FAILED) return null;
        return new Meter(p, count);
    }

    /// <summary>In the child, per connection: allocates nothing.</summary>
    public void Increment(int slot) => Marshal.WriteInt64(_base, slot * sizeof(long), Marshal.ReadInt64(_base, slot * sizeof(long)) + 1);

    public long this[int slot] => Marshal.ReadInt64(_base, slot * sizeof(long));

    /// <summary>Zeroes a slot, for a child that replaces a dead one (the dead one can no longer write it).</summary>
    public void Reset(int slot) => Marshal.WriteInt64(_base, slot * sizeof(long), 0);
}
