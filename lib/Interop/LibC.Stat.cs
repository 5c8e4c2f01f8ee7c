// <sys/stat.h>: only what the inetd mode needs, "is this descriptor a socket?"
using System.Runtime.InteropServices;

namespace UnpServers.Interop;

public static unsafe partial class LibC
{
    // struct stat is 144 bytes on x86_64 and 128 on arm64; st_mode is a 32-bit field at
    // offset 24 on x86_64 and 16 on arm64. A 256-byte buffer holds either.
    [LibraryImport(Library, SetLastError = true)]
    public static partial int fstat(int fd, byte* statbuf);

    public const uint S_IFMT = 0xF000;
    public const uint S_IFSOCK = 0xC000;

    /// <summary>S_ISSOCK of fstat(fd); false if fd is not open.</summary>
    public static bool fd_is_socket(int fd)
    {
        byte* st = stackalloc byte[256];
        if (fstat(fd, st) < 0) return false;
        int modeOffset = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 16 : 24;
        uint mode = *(uint*)(st + modeOffset);
        return (mode & S_IFMT) == S_IFSOCK;
    }
}
