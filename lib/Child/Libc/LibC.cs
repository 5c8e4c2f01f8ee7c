// The libc calls, constants and structs the kit uses: Tmds.LibC's (the design card's package) where
// it binds them, ours where it does not. The code calls one class, UnpServers.Interop.LibC:
//   - Tmds/: the package's calls, forwarded to Tmds.Linux.LibC's pointer functions by thin
//     pointer-free overloads (spans, out, ref), and its constants. The rest of lib/ has no
//     unsafe code, so it cannot call the package's pointer signatures itself.
//   - LibC.*.cs: what Tmds.LibC does not bind, one C header per file, as source-generated
//     LibraryImports; and the few calls whose package binding cannot serve the fork path, each
//     saying why (poll: the package does not save its errno).
// Why our class keeps the name LibC: the package's class has the same name, so a file that
// imported both namespaces would find every LibC.x ambiguous; instead the package is named in
// full (Tmds.Linux.LibC) only here, and the 75 files that call LibC.read(fd, buf) stay as they
// are. Tmds.LibC.props makes the package's structs visible to them by their C names.
//
// Fork-safety R4 holds for both kinds: every import is [DllImport("libc.so.6")] or
// [LibraryImport] with blittable arguments, linked directly (DirectPInvoke, Native.props), and
// saves errno, which Errno.Last reads from a thread-local without allocating; ChildCodeTests
// checks every package method a child calls. -1 plus errno, as C: nothing here throws.
namespace UnpServers.Interop;

public static partial class LibC
{
    /// <summary>glibc's soname; "libc" alone would resolve to the linker script libc.so.</summary>
    internal const string Library = "libc.so.6";
}
