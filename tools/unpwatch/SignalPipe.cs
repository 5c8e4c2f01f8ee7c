// Signals as data in the main loop's epoll set, as the servers read theirs through a signalfd
// (UNP 6's unified event source). A signalfd needs the signals blocked in every thread, which
// only a re-exec can arrange before the runtime starts its own (fork-safety R1); unpwatch never
// forks, so the runtime's PosixSignalRegistration takes them instead, cancels the default
// action (the view must restore the terminal first) and writes the number into a pipe.
using System.Runtime.InteropServices;
using UnpServers.Interop;
using UnpServers.Unp;

namespace UnpServers.UnpWatch;

public sealed class SignalPipe : IDisposable
{
    private readonly int _read, _write;
    private readonly List<PosixSignalRegistration> _registrations = [];

    /// <summary>The read end, for epoll: readable when a signal came.</summary>
    public int Fd => _read;

    public SignalPipe(params PosixSignal[] signals)
    {
        if (LibC.pipe2(out _read, out _write, O_NONBLOCK | O_CLOEXEC) < 0) throw new UnpException("pipe", Errno.Last);
        foreach (PosixSignal s in signals) _registrations.Add(PosixSignalRegistration.Create(s, Handle));
    }

    private void Handle(PosixSignalContext context)
    {
        context.Cancel = true;
        Span<byte> b = [(byte)Number(context.Signal)];
        LibC.write(_write, b); // full (hundreds unread): the ones already there will do
    }

    /// <summary>The next signal that came, or 0 when there is none.</summary>
    public int Next()
    {
        Span<byte> b = stackalloc byte[1];
        return LibC.read(_read, b) == 1 ? b[0] : 0;
    }

    private static int Number(PosixSignal s) => s switch
    {
        PosixSignal.SIGHUP => SIGHUP,
        PosixSignal.SIGINT => SIGINT,
        PosixSignal.SIGQUIT => SIGQUIT,
        PosixSignal.SIGTERM => SIGTERM,
        PosixSignal.SIGCONT => SIGCONT,
        PosixSignal.SIGWINCH => SIGWINCH,
        PosixSignal.SIGTSTP => SIGTSTP,
        PosixSignal.SIGTTIN => SIGTTIN,
        PosixSignal.SIGTTOU => SIGTTOU,
        PosixSignal.SIGCHLD => SIGCHLD,
        _ => (int)s, // a raw number
    };

    public void Dispose()
    {
        foreach (PosixSignalRegistration r in _registrations) r.Dispose();
        LibC.close(_read);
        LibC.close(_write);
    }
}
