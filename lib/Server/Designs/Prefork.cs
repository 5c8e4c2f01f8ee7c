// UNP 30.6 serv02: the pre-forked server. N children are forked at start; each blocks in
// accept() on the listening socket they all inherited, with no lock: a client wakes them
// all and one wins (the "thundering herd"). The parent accepts nothing: it keeps N children
// alive, forking one in the place of each that dies, and counts how the connections spread
// among them in shared memory (meter; the book's figure 30.13).
//
//   pids = Calloc(nchildren, sizeof(pid_t));
//   for (i = 0; i < nchildren; i++) pids[i] = child_make(i, listenfd, addrlen);
//   for ( ; ; ) pause();     /* here: poll(signalfd): CHLD -> a replacement; TERM/INT -> stop */
//
// With --log, the children's lines come to the file through the parent (Log's relay), so that
// SIGHUP's reopen moves them all.
//
// prefork-flock (30.7) and prefork-mutex (30.8) are this design with a lock around accept();
// prefork-pass (30.9) keeps its children the same way but accepts itself.
using UnpServers.Child;
using UnpServers.ForkSafety;
using UnpServers.Interop;
using UnpServers.Unp;

namespace UnpServers.Server.Designs;

public class Prefork : ServerDesign
{
    /// <summary>Children when --workers is not given (the book's runs use 3 to 15; the C reference, 8).</summary>
    public const int DefaultWorkers = 8;

    /// <summary>pids[i]: the child in slot i, 0 when its fork failed (tried again within a second).</summary>
    private int[] _pids = [];
    private bool _stopping;
    /// <summary>Connections of children that have been replaced: their slots start again at 0.</summary>
    private long _retired;
    /// <summary>After copying the children's lines (Log's relay), the parent lets the next ones gather this long.</summary>
    private const int RelayGapMs = 100;
    private long _relayedAt = long.MinValue / 2;

    protected PreforkLoop Loop { get; private set; } = null!;

    /// <summary>my_lock_init: 30.6 has no lock.</summary>
    protected virtual AcceptLock CreateLock() => new NoLock();

    /// <summary>Whether the parent accepts (and so counts accepted connections itself): prefork-pass.</summary>
    protected virtual bool ParentAccepts => false;

    protected int Workers => _pids.Length;

    public override void Prepare(ServerCore core)
    {
        _pids = new int[core.Options.Workers > 0 ? core.Options.Workers : DefaultWorkers];
        Loop = new PreforkLoop(CreateLock(), Meter.Create(_pids.Length) ?? throw new UnpException("mmap", Errno.Last), core.Options.KeepaliveSeconds);
        PrepareChildren(core);
        if (!Log.StartRelay()) throw new UnpException("pipe2", Errno.Last);
        for (int slot = 0; slot < _pids.Length; slot++) Spawn(core, slot);
        LogLine line = Log.Line().Add(ServerModels.Name(core.Options.Model)).Add(": "u8).Add(_pids.Length).Add(" children,"u8);
        foreach (int pid in _pids) line.Add(" "u8).Add(pid);
        Log.Info(line);
    }

    /// <summary>
    /// The children block in accept(): O_NONBLOCK belongs to the open file they all share with
    /// the parent, which never accepts here.
    /// </summary>
    protected virtual void PrepareChildren(ServerCore core)
    {
        int flags = LibC.fcntl(core.ListenFd, LibC.F_GETFL, 0);
        if (flags < 0 || LibC.fcntl(core.ListenFd, LibC.F_SETFL, flags & ~LibC.O_NONBLOCK) < 0) throw new UnpException("fcntl", Errno.Last);
        PrepareFork(core, Loop);
    }

    /// <summary>child_make: forks the child of slot; its pid, or -1 with errno.</summary>
    protected virtual int ForkChild(ServerCore core, int slot)
        => ChildMain.ForkAndAccept(core.ListenFd, Loop, core.Service, slot);

    private void Spawn(ServerCore core, int slot)
    {
        int pid = ForkChild(core, slot);
        if (pid < 0)
        {
            core.Stats.ForkFailures++;
            Log.Error(Log.Line().Add("fork error: "u8).AddErrno(Errno.Last));
            _pids[slot] = 0;
            return;
        }
        _pids[slot] = pid;
        core.TrackChild(pid);
    }

    /// <summary>The parent's loop: signals, and the children's log lines. A fork that failed is tried again every second.</summary>
    public override int Serve(ServerCore core)
    {
        Span<pollfd> fds = stackalloc pollfd[2];
        for (;;)
        {
            int timeoutMs = Array.IndexOf(_pids, 0) >= 0 ? 1000 : -1;
            fds[0] = new pollfd { fd = core.Signals.Fd, events = LibC.POLLIN };
            fds[1] = new pollfd { fd = RelayFd(ref timeoutMs), events = LibC.POLLIN };
            if (core.Poll(fds, timeoutMs) == 0)
            {
                ChildrenChanged(core);
                continue;
            }
            if (fds[0].revents != 0 && core.HandleSignals()) return core.Stop();
            if (fds[1].revents != 0) Relay();
        }
    }

    /// <summary>
    /// Log's relay to poll, or -1 while the last copy is under RelayGapMs old (timeoutMs is cut
    /// to what is left of the gap): a busy server's parent wakes for its children's lines at
    /// most ten times a second. Its own lines copy theirs first, so the order holds.
    /// </summary>
    protected int RelayFd(ref int timeoutMs)
    {
        if (Log.RelayFd < 0) return -1;
        long wait = _relayedAt + RelayGapMs - Environment.TickCount64;
        if (wait <= 0) return Log.RelayFd;
        if (timeoutMs < 0 || timeoutMs > wait) timeoutMs = (int)wait;
        return -1;
    }

    protected void Relay()
    {
        Log.DrainRelay();
        _relayedAt = Environment.TickCount64;
    }

    /// <summary>Keeps N children: a slot whose child was reaped (or never forked) gets a new one, and the log says so.</summary>
    public override void ChildrenChanged(ServerCore core)
    {
        if (_stopping) return;
        for (int slot = 0; slot < _pids.Length; slot++)
        {
            int old = _pids[slot];
            if (old != 0 && core.Children.IsRunning(old)) continue;
            _retired += Loop.Meter[slot];
            Loop.Meter.Reset(slot);
            ChildGone(slot);
            Spawn(core, slot);
            if (_pids[slot] == 0) continue;
            LogLine line = Log.Line();
            if (old != 0) line.Add("child "u8).Add(old).Add(" is gone; "u8);
            Log.Info(line.Add("forked "u8).Add(_pids[slot]).Add(old != 0 ? " in its place"u8 : " (a fork had failed)"u8));
        }
    }

    /// <summary>Before slot gets a new child: prefork-pass closes the old one's channel.</summary>
    protected virtual void ChildGone(int slot) { }

    public override void LogStats(ServerCore core)
    {
        if (!ParentAccepts) core.Stats.Accepted = _retired + Served();
        core.LogStats(Active(core));
        LogMeter();
    }

    public override void StopConnections(ServerCore core)
    {
        _stopping = true;
        LogMeter();
        core.StopChildren();
    }

    private long Served()
    {
        long sum = 0;
        for (int slot = 0; slot < _pids.Length; slot++) sum += Loop.Meter[slot];
        return sum;
    }

    /// <summary>UNP 30.6's meter: "connections per child: PID COUNT, ...", the spread of figure 30.13.</summary>
    private void LogMeter()
    {
        LogLine line = Log.Line().Add("connections per child:"u8);
        for (int slot = 0; slot < _pids.Length; slot++)
            line.Add(slot == 0 ? " "u8 : ", "u8).Add(_pids[slot]).Add(" "u8).Add(Loop.Meter[slot]);
        Log.Info(line);
    }
}
