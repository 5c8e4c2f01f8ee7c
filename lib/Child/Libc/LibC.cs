// The one class the code calls for libc, with C names, -1 and errno: Tmds.LibC's calls behind
// pointer-free overloads (Tmds/), ours for what it lacks, one C header per file (LibC.*.cs). It
// keeps the package's class name so that LibC.read(fd, buf) reads as in C; the package is named
// in full only under Tmds/. The package's constants are named bare, as in C (errno == EINTR:
// Tmds.LibC.props); they are properties, not const, so no case label names them. Ours are
// LibC.AI_PASSIVE. Fork-safety R4: every import is linked directly, blittable, and saves errno
// (docs/design-notes.md, "The libc bindings").
namespace UnpServers.Interop;

public static partial class LibC
{
    /// <summary>glibc's soname; "libc" alone would resolve to the linker script libc.so.</summary>
    internal const string Library = "libc.so.6";
}
