// <malloc.h>: what Tmds.LibC does not bind: malloc_trim.
using System.Runtime.InteropServices;

namespace UnpServers.Interop;

public static partial class LibC
{
    /// <summary>Returns free malloc memory to the kernel; 1 if some was released.</summary>
    [BeforeFork]
    [LibraryImport(Library)]
    public static partial int malloc_trim(nuint pad);
}
