using UnpServers.Interop;

namespace UnpServers.Testing;

/// <summary>
/// One process, named by a pidfd (pidfd_open(2)): a signal sent through it reaches that
/// process or nobody, never a later process that got the same pid. The harness opens one
/// only for a process it has checked is the child of a parent it knows (the test process,
/// or a server it started), and signals its processes only through these.
/// </summary>
public sealed class ProcessHandle : IDisposable
{
    private int _fd;
    public int Pid { get; }

    private ProcessHandle(int pid, int fd)
    {
        Pid = pid;
        _fd = fd;
    }

    /// <summary>
    /// A handle on pid if it is, now, a child of parent; null if it is not (or is gone).
    /// The parent is read after pidfd_open and trusted only if the pidfd's process still
    /// exists afterwards: until it is reaped nobody else can have its pid, so /proc/pid was it.
    /// </summary>
    public static ProcessHandle? OfChild(int pid, int parent)
    {
        if (pid <= 0) return null;
        int fd = LibC.pidfd_open(pid, 0);
        if (fd < 0) return null;
        if (ProcFs.ParentOf(pid) != parent || LibC.pidfd_send_signal(fd, 0) < 0)
        {
            LibC.close(fd);
            return null;
        }
        return new ProcessHandle(pid, fd);
    }

    /// <summary>A child of the test process itself (one it started with Process.Start).</summary>
    public static ProcessHandle? OfOwnChild(int pid) => OfChild(pid, LibC.getpid());

    /// <summary>Sends sig to this process; false if it has been reaped (or the handle is closed).</summary>
    public bool Signal(int sig) => _fd >= 0 && LibC.pidfd_send_signal(_fd, sig) == 0;

    /// <summary>Not yet reaped by anyone (a zombie still counts).</summary>
    public bool Exists => Signal(0);

    /// <summary>
    /// Reaps it if it is our child and has exited (a server's child becomes ours when the
    /// server dies: the test process is their subreaper). True once it is reaped, by us or
    /// by its own parent.
    /// </summary>
    public bool TryReap()
    {
        if (_fd < 0) return true;
        // Exited? Looked at first without reaping (WNOWAIT): a child that a
        // System.Diagnostics.Process started is .NET's to reap, and .NET fails fast ("Error while
        // reaping child. errno = 10") when its waitpid() finds it reaped by someone else. So an
        // exited child of ours is left to .NET for a moment, and reaped here only if it is still
        // a zombie after that: an orphan that came back to the subreaper, which nobody else reaps.
        if (LibC.waitid(LibC.P_PIDFD, _fd, out siginfo_t info, LibC.WEXITED | LibC.WNOHANG | LibC.WNOWAIT) == 0 && info.si_pid == Pid)
        {
            _exitedAt ??= Environment.TickCount64;
            if (Environment.TickCount64 - _exitedAt < OwnerGraceMs) return false;
            LibC.waitid(LibC.P_PIDFD, _fd, out _, LibC.WEXITED | LibC.WNOHANG);
            return true;
        }
        return !Exists;
    }

    /// <summary>How long an exited child is left for its System.Diagnostics.Process to reap.</summary>
    private const int OwnerGraceMs = 250;
    private long? _exitedAt;

    public void Dispose()
    {
        if (_fd < 0) return;
        LibC.close(_fd);
        _fd = -1;
    }
}
