// UNP 30.7 lock_fcntl.c: accept() serialised by a POSIX record lock on a file. The file is
// created with mkstemp and unlinked at once: its open descriptor, inherited by every child,
// is all the lock needs. The kernel releases a process's record locks when it dies, so a
// child killed while holding it does not hang the others.
using UnpServers.Interop;

namespace UnpServers.Unp;

public sealed class LockFcntl : AcceptLock
{
    private readonly int _fd;
    // Prepared in the parent: the child only passes them to fcntl (R4).
    private flock _lock = new() { l_type = (short)F_WRLCK, l_whence = (short)SEEK_SET };
    private flock _unlock = new() { l_type = (short)F_UNLCK, l_whence = (short)SEEK_SET };

    private LockFcntl(int fd) => _fd = fd;

    public override int Fd => _fd;

    /// <summary>
    /// my_lock_init: a fresh, unlinked file in /tmp; called in the parent, before the first
    /// fork. Null with errno set if mkstemp fails.
    /// </summary>
    [BeforeFork]
    public static LockFcntl? Init()
    {
        Span<byte> path = stackalloc byte[64];
        ReadOnlySpan<byte> template = "/tmp/unpservers.lock.XXXXXX\0"u8;
        template.CopyTo(path);
        int fd = LibC.mkstemp(path);
        if (fd < 0) return null;
        LibC.unlink(path);
        LibC.fcntl(fd, F_SETFD, FD_CLOEXEC); // the children inherit it by fork, not an exec'd program
        return new LockFcntl(fd);
    }

    public override int Wait()
    {
        while (LibC.fcntl(_fd, F_SETLKW, ref _lock) < 0)
        {
            int err = Errno.Last;
            if (err != EINTR) return err; // UNP 5.9: an interrupted wait is restarted
        }
        return 0;
    }

    public override int Release() => LibC.fcntl(_fd, F_SETLKW, ref _unlock) < 0 ? Errno.Last : 0;
}
