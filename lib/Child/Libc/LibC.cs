// Our own libc bindings, because the NuGet feed used here has no Tmds.LibC.
// They follow its conventions so switching to the package is mechanical:
// C names, raw int descriptors, -1 plus errno (Marshal.GetLastPInvokeError()).
// Every import is a source-generated LibraryImport with blittable arguments,
// so a call allocates nothing: the child after fork() relies on that (fork-safety R4).
namespace UnpServers.Interop;

public static partial class LibC
{
    /// <summary>glibc's soname; "libc" alone would resolve to the linker script libc.so.</summary>
    internal const string Library = "libc.so.6";
}
