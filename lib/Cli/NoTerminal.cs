// Fork-safety R2: the argument parser is built with 0, 1 and 2 on /dev/null, so that no terminal
// starts a console thread; docs/design-notes.md, "The parser and the terminal", says why.
using UnpServers.Interop;

namespace UnpServers.Cli;

public static class NoTerminal
{
    /// <summary>Runs create with stdin, stdout and stderr on /dev/null (a closed one stays closed after).</summary>
    public static T While<T>(Func<T> create)
    {
        Span<int> saved = stackalloc int[3];
        Span<int> flags = stackalloc int[3]; // FD_CLOEXEC on a descriptor the runtime opened for a closed one: keep it
        for (int fd = 0; fd < 3; fd++)
        {
            saved[fd] = LibC.fcntl(fd, F_DUPFD_CLOEXEC, 3); // -1: it was closed
            flags[fd] = LibC.fcntl(fd, F_GETFD, 0);
        }
        int devnull = LibC.open("/dev/null\0"u8, O_RDWR | O_CLOEXEC, 0);
        if (devnull < 0) return create(); // no /dev/null: nothing better to do
        try
        {
            for (int fd = 0; fd < 3; fd++) if (fd != devnull) LibC.dup2(devnull, fd);
            return create();
        }
        finally
        {
            for (int fd = 0; fd < 3; fd++)
            {
                if (saved[fd] < 0)
                {
                    LibC.close(fd);
                    continue;
                }
                LibC.dup2(saved[fd], fd); // dup2 clears close-on-exec on the copy...
                if (flags[fd] > 0) LibC.fcntl(fd, F_SETFD, flags[fd]); // ...which only the runtime's own had
                LibC.close(saved[fd]);
            }
            if (devnull > 2) LibC.close(devnull);
        }
    }
}
