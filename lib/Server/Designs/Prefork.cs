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
// Children that cannot start (forks failing at RLIMIT_NPROC, a lock that always fails) are
// tried again one at a time, with growing pauses, and the log summarises instead of repeating.
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
    /// <summary>A child that dies sooner than this after its fork did not start: its replacement waits (see Failed).</summary>
    private const int StartMs = 1000;
    /// <summary>The longest pause between tries while children cannot start.</summary>
    private const int MaxPauseMs = 10000;
    /// <summary>While forks keep failing, a summary line at most this often.</summary>
    private const int SummaryMs = 60000;
    /// <summary>After copying the children's lines (Log's relay), the parent lets the next ones gather this long.</summary>
    private const int RelayGapMs = 100;

    /// <summary>pids[i]: the child in slot i, 0 while the slot is empty (its fork failed, or its replacement waits).</summary>
    private int[] _pids = [];
    private long[] _forkedAt = [];
    /// <summary>gone[i]: the child slot i lost and has not yet replaced (0: none), and how long it lived.</summary>
    private int[] _gone = [];
    private long[] _goneLived = [];
    /// <summary>endedItself[i]: slot i's child exited or crashed, rather than being killed (Reaper.OnCollected).</summary>
    private bool[] _endedItself = [];
    private bool _stopping;
    /// <summary>Connections of children that have been replaced: their slots start again at 0.</summary>
    private long _retired;

    // Children that cannot start: forks that fail (EAGAIN at RLIMIT_NPROC), or children that die
    // at once (a lock that always fails). Each failure in a row doubles the pause before the
    // next try, and while they last one child is forked at a time, until one lives StartMs.
    private int _failures;
    private long _nextTryAt, _troubleSince, _lastSummaryAt;
    private int _failedForks, _diedAtOnce;
    /// <summary>The slot of the one child forked while children could not start, -1 when none.</summary>
    private int _probe = -1;
    private long _relayedAt = long.MinValue / 2;

    protected PreforkLoop Loop { get; private set; } = null!;

    /// <summary>my_lock_init: 30.6 has no lock.</summary>
    protected virtual AcceptLock CreateLock() => new NoLock();

    /// <summary>Whether the parent accepts (and so counts accepted connections itself): prefork-pass.</summary>
    protected virtual bool ParentAccepts => false;

    protected int Workers => _pids.Length;

    public override void Prepare(ServerCore core)
    {
        _pids = new int[core.Options.Workers];
        _forkedAt = new long[_pids.Length];
        _gone = new int[_pids.Length];
        _goneLived = new long[_pids.Length];
        _endedItself = new bool[_pids.Length];
        core.Reaper.OnCollected = (pid, status) =>
        {
            int slot = Array.IndexOf(_pids, pid);
            if (slot >= 0) _endedItself[slot] = EndedItself(status);
        };
        Loop = new PreforkLoop(CreateLock(), Meter.Create(_pids.Length) ?? throw new UnpException("mmap", Errno.Last), core.Options.KeepaliveSeconds);
        PrepareChildren(core);
        if (!Log.StartRelay()) throw new UnpException("pipe2", Errno.Last);
        FillSlots(core);
        LogLine line = Log.Line().Add(ServerModels.Name(core.Options.Model)).Add(": "u8).Add(Running()).Add(" children,"u8);
        foreach (int pid in _pids) if (pid != 0) line.Add(" "u8).Add(pid);
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

    /// <summary>The parent's loop: signals, and the children's log lines.</summary>
    public override int Serve(ServerCore core)
    {
        Span<pollfd> fds = stackalloc pollfd[2];
        for (;;)
        {
            int timeoutMs = NextTimeoutMs();
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

    /// <summary>How long the loop may wait before ChildrenChanged has something to do: an empty slot to fill, a new child to see live; -1: nothing.</summary>
    protected int NextTimeoutMs()
    {
        long now = Environment.TickCount64, at;
        if (_probe >= 0) at = _forkedAt[_probe] + StartMs; // the empty slots wait for it
        else if (Array.IndexOf(_pids, 0) >= 0) at = Math.Max(_nextTryAt, now);
        else return -1;
        return (int)Math.Max(0, at - now);
    }

    /// <summary>Keeps N children: a slot whose child was reaped gets a new one, at once, or after a pause while children cannot start.</summary>
    public override void ChildrenChanged(ServerCore core)
    {
        if (_stopping) return;
        long now = Environment.TickCount64;
        int young = 0; // children that died within StartMs of their fork
        for (int slot = 0; slot < _pids.Length; slot++)
        {
            int old = _pids[slot];
            if (old == 0 || core.Children.IsRunning(old)) continue;
            _retired += Loop.Meter[slot];
            Loop.Meter.Reset(slot);
            ChildGone(slot);
            (_pids[slot], _gone[slot], _goneLived[slot]) = (0, old, now - _forkedAt[slot]);
            if (slot == _probe) _probe = -1;
            if (_goneLived[slot] < StartMs && _endedItself[slot]) young++; // killed young (a test, the soak) is no failure to start
        }
        if (young > 0)
        {
            _diedAtOnce += young;
            Failed(now, forkFailed: false); // one failure however many died: a broken lock ends them all at once
        }
        // The one child forked while none would start has lived: the others are forked now.
        bool started = _probe >= 0 && now - _forkedAt[_probe] >= StartMs;
        (int failedForks, int diedAtOnce, long since) trouble = (_failedForks, _diedAtOnce, _troubleSince);
        if (started)
        {
            _probe = -1;
            _failures = _failedForks = _diedAtOnce = 0;
            _nextTryAt = _lastSummaryAt = 0;
        }
        FillSlots(core);
        if (started) LogStarted(trouble.failedForks, trouble.diedAtOnce, now - trouble.since);
    }

    /// <summary>Every empty slot gets a child, unless children cannot start: then one, after the pause.</summary>
    private void FillSlots(ServerCore core)
    {
        for (int slot = 0; slot < _pids.Length; slot++)
            if (_pids[slot] == 0 && !FillSlot(core, slot)) return;
    }

    /// <summary>Forks the child of an empty slot if it is time to, and says whom it replaces. False when no more forks are to be tried now.</summary>
    private bool FillSlot(ServerCore core, int slot)
    {
        long now = Environment.TickCount64;
        if (now < _nextTryAt || _probe >= 0) return false;
        int pid = ForkChild(core, slot);
        if (pid < 0)
        {
            int err = Errno.Last;
            core.Stats.ForkFailures++;
            _failedForks++;
            Failed(now, forkFailed: true);
            LogForkError(err, now);
            return false;
        }
        _pids[slot] = pid;
        _forkedAt[slot] = now;
        _endedItself[slot] = false;
        core.TrackChild(pid);
        if (_failures > 0) _probe = slot; // one at a time until this one lives
        if (_gone[slot] != 0)
        {
            LogLine line = Log.Line().Add("child "u8).Add(_gone[slot]).Add(" is gone"u8);
            if (_failures > 1) line.Add(" (it lived "u8).Add(_goneLived[slot]).Add(" ms)"u8);
            Log.Info(line.Add("; forked "u8).Add(pid).Add(" in its place"u8));
            _gone[slot] = 0;
        }
        return _probe < 0;
    }

    /// <summary>
    /// A fork failed, or a child ended by itself at once. The first such child is replaced at
    /// once (one may be chance); then the pause is 100 ms, doubling to MaxPauseMs.
    /// </summary>
    private void Failed(long now, bool forkFailed)
    {
        if (_failures++ == 0) _troubleSince = now;
        int pauseMs = _failures == 1 && !forkFailed ? 0 : Math.Min(100 << Math.Min(_failures - 1, 10), MaxPauseMs);
        _nextTryAt = now + pauseMs;
    }

    /// <summary>"fork error: ...", once when forks start failing, then a summary at most every SummaryMs.</summary>
    private void LogForkError(int err, long now)
    {
        if (_failedForks > 1 && now - _lastSummaryAt < SummaryMs) return;
        _lastSummaryAt = now;
        LogLine line = Log.Line().Add("fork error: "u8).AddErrno(err);
        if (_failedForks > 1) line.Add(": "u8).Add(_failedForks).Add(" forks failed in "u8).Add((now - _troubleSince) / 1000).Add(" s"u8);
        Log.Error(line.Add("; "u8).Add(Running()).Add(" of "u8).Add(_pids.Length).Add(" children running, next try in "u8)
                      .Add(_nextTryAt - now).Add(" ms"u8));
    }

    /// <summary>
    /// Whether a child ended by itself: it exited (a lock or accept error: exit 1) or crashed.
    /// One killed by SIGTERM, SIGKILL, ^C or SIGHUP was ended by someone: no sign that the next will not start.
    /// </summary>
    private static bool EndedItself(int status)
    {
        int sig = LibC.WTERMSIG(status);
        return LibC.WIFEXITED(status) || LibC.WCOREDUMP(status)
               || sig == LibC.SIGSEGV || sig == LibC.SIGBUS || sig == LibC.SIGILL || sig == LibC.SIGFPE || sig == LibC.SIGABRT;
    }

    /// <summary>Children start again: says so, when there was trouble worth a line.</summary>
    private void LogStarted(int failedForks, int diedAtOnce, long tookMs)
    {
        if (failedForks == 0 && diedAtOnce <= 1) return; // one child killed young: nothing to report
        LogLine line = Log.Line().Add(Running()).Add(" of "u8).Add(_pids.Length).Add(" children running again, after "u8);
        if (failedForks > 0) line.Add(failedForks).Add(" failed forks"u8).Add(diedAtOnce > 0 ? " and "u8 : ""u8);
        if (diedAtOnce > 0) line.Add(diedAtOnce).Add(" children that died within 1 s of their fork"u8);
        Log.Info(line.Add(" in "u8).Add(tookMs / 1000).Add(" s"u8));
    }

    private int Running()
    {
        int n = 0;
        foreach (int pid in _pids) if (pid != 0) n++;
        return n;
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
