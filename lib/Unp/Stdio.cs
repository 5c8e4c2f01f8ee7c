// stdin, stdout and stderr as this process received them. A C program started with one of
// them closed gets EBADF when it uses it (`read error: Bad file descriptor`). A .NET process
// does not: before Main, the runtime opens descriptors of its own (a pipe, O_CLOEXEC), and
// they take the lowest free numbers. Measured on .NET 10.0.12: with `<&-` fd 0 is the read
// end of a pipe whose write end the runtime holds, so a read waits forever; with `<&- >&-
// 2>&-`, fds 0..4 are all that one pipe, and fd 1 is a write end the runtime reads itself.
// execve() closes every FD_CLOEXEC descriptor, so an inherited 0, 1 or 2 never has the flag:
// one that has it was opened in this process, and we treat it as closed (-1, on which
// read and write fail with EBADF, as in C).
using System.Text;
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
        int flags = LibC.fcntl(fd, LibC.F_GETFD, 0);
        return flags >= 0 && (flags & LibC.FD_CLOEXEC) == 0 ? fd : -1;
    }

    /// <summary>
    /// write(2) of all of text, for start-up and usage output (never in a forked child).
    /// Returns 0, or the errno of the failure (EBADF for a closed descriptor, ENOSPC, EPIPE):
    /// never throws, unlike Console.Out.
    /// </summary>
    public static int Write(int fd, string text)
    {
        if (fd < 0) return LibC.EBADF;
        return Io.Writen(fd, Encoding.UTF8.GetBytes(text)) < 0 ? Errno.Last : 0;
    }
}
