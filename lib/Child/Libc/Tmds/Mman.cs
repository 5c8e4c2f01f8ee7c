// <sys/mman.h>: Tmds.LibC's mmap and munmap, for memory shared between a parent and its forked
// children (UNP 30.6 meter, 30.8 the mutex); addresses as nint.
using Tmds.Linux;

namespace UnpServers.Interop;

public static unsafe partial class LibC
{
    /// <summary>The package's MAP_FAILED (void*) as the nint mmap returns here.</summary>
    public static nint MAP_FAILED => (nint)Tmds.Linux.LibC.MAP_FAILED;

    public static nint mmap(nint addr, nuint length, int prot, int flags, int fd, long offset)
        => (nint)Tmds.Linux.LibC.mmap((void*)addr, (size_t)(ulong)length, prot, flags, fd, offset);

    public static int munmap(nint addr, nuint length) => Tmds.Linux.LibC.munmap((void*)addr, (size_t)(ulong)length);
}
