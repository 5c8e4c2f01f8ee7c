// <sys/mman.h>: memory shared between a parent and its forked children (UNP 30.6 meter, 30.8 the mutex).
using System.Runtime.InteropServices;

namespace UnpServers.Interop;

public static partial class LibC
{
    [LibraryImport(Library, SetLastError = true)]
    public static partial nint mmap(nint addr, nuint length, int prot, int flags, int fd, long offset);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int munmap(nint addr, nuint length);
}
