// Fork-safety R2, one managed thread: signals reach the main loop as data. A signalfd sits
// in the same poll() set as the listening socket (UNP 6.x's "unified event source"), so no
// handler ever runs managed code (a C# method cannot be a sigaction handler) and no
// runtime thread is needed to deliver them.
using UnpServers.Interop;
using UnpServers.Unp;

namespace UnpServers.ForkSafety;

public sealed class SignalQueue
{
    public int Fd { get; }

    private SignalQueue(int fd) => Fd = fd;

    /// <summary>A non-blocking, close-on-exec signalfd for RuntimeGuard.HandledSignals (already blocked by R1).</summary>
    public static SignalQueue Open()
    {
        LibC.sigemptyset(out sigset_t set);
        foreach (int sig in RuntimeGuard.HandledSignals) LibC.sigaddset(ref set, sig);
        if (LibC.sigprocmask(SIG_BLOCK, set) < 0) throw new UnpException("sigprocmask", Errno.Last);
        int fd = LibC.signalfd(-1, set, LibC.SFD_NONBLOCK | LibC.SFD_CLOEXEC);
        if (fd < 0) throw new UnpException("signalfd", Errno.Last);
        return new SignalQueue(fd);
    }

    /// <summary>
    /// Takes one pending signal; false when none is pending. Like a handler, it sees one
    /// notification for several signals of one kind sent before it runs: standard signals
    /// are not queued (UNP 5.9), which is the point of the --reap wait lesson.
    /// </summary>
    public bool TryRead(out signalfd_siginfo info)
    {
        for (;;)
        {
            nint n = LibC.read(Fd, out info);
            if (n > 0) return true;
            if (n < 0 && Errno.Last == EINTR) continue;
            return false; // EAGAIN: nothing pending
        }
    }
}
