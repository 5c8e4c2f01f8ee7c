// stdin, stdout and stderr as this process received them; one it started without is -1 (EBADF, as in C).
// Why a .NET process needs this: docs/design-notes.md, "Closed standard descriptors".
using UnpServers.Interop;

namespace UnpServers.Unp;

public static class Stdio
{
    // Explicit static constructor: the check runs at first use (Arguments.Parse, before
    // anything else), not at a moment the runtime chooses.
    static Stdio()
    {
        In = Received(0);
        Out = Received(1);
        Err = Received(2);
    }

    /// <summary>0, or -1 if this process was started with stdin closed.</summary>
    public static readonly int In;

    /// <summary>1, or -1 if this process was started with stdout closed.</summary>
    public static readonly int Out;

    /// <summary>2, or -1 if this process was started with stderr closed.</summary>
    public static readonly int Err;

    private static int Received(int fd)
    {
        int flags = LibC.fcntl(fd, F_GETFD, 0);
        return flags >= 0 && (flags & FD_CLOEXEC) == 0 ? fd : -1;
    }
}
