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
// Children that cannot start are tried again one at a time, with growing pauses (StartFailures).
// With --log, the children's lines come to the file through the parent (Log's relay), so that
// SIGHUP's reopen moves them all.
//
// prefork-flock (30.7) and prefork-mutex (30.8) are this design with a lock around accept();
// prefork-pass (30.9) keeps its children the same way but accepts itself.
using UnpServers.Child;
using UnpServers.Interop;
using UnpServers.Unp;

namespace UnpServers.Server.Designs;

public class Prefork : ForkingDesign
{
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
    private readonly StartFailures _failures = new();
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
        base.Prepare(core);
        _pids = new int[core.Options.Workers];
        _forkedAt = new long[_pids.Length];
        _gone = new int[_pids.Length];
        _goneLived = new long[_pids.Length];
        _endedItself = new bool[_pids.Length];
        Children.Reaper.OnCollected = (pid, status) =>
        {
            int slot = Array.IndexOf(_pids, pid);
            if (slot >= 0) _endedItself[slot] = StartFailures.EndedItself(status);
        };
        Loop = new PreforkLoop(CreateLock(), Meter.Create(_pids.Length) ?? throw new UnpException("mmap", Errno.Last), core.Options.KeepaliveSeconds);
        PrepareChildren(core);
        if (!Log.StartRelay()) throw new UnpException("pipe2", Errno.Last);
        FillSlots(core);
        LogLine line = Log.Line().Add(ServerModels.Name(core.Options.Model)).Add(": "u8).Add(Running()).Add(" children,"u8);
        foreach (int pid in _pids) if (pid != 0) line.Add(" "u8).Add(pid);
        Log.Info(line);
    }

    /// <summary>The children block in accept(); the parent never accepts here.</summary>
    protected virtual void PrepareChildren(ServerCore core)
    {
        core.Listener.SetBlocking();
        PrepareFork(core, Loop);
    }

    /// <summary>child_make: forks the child of slot; its pid, or -1 with errno.</summary>
    protected virtual int ForkChild(ServerCore core, int slot)
        => ChildMain.ForkAndAccept(core.Listener.Fd, Loop, core.Service, slot);

    /// <summary>The parent's loop: signals, and the children's log lines.</summary>
    public override int Serve(ServerCore core)
    {
        for (;;)
        {
            int timeoutMs = NextTimeoutMs();
            Ready ready = core.Wait(false, RelayFd(ref timeoutMs), timeoutMs);
            if (ready == Ready.None) ChildrenChanged(core);
            if (ready == Ready.Stop) return core.Stop();
            if ((ready & Ready.Other) != 0) Relay();
        }
    }

    /// <summary>
    /// Log's relay to poll, or -1 while the last copy is under Tunables.RelayGapMs old (timeoutMs
    /// is cut to what is left of the gap): a busy server's parent wakes for its children's lines
    /// at most ten times a second. Its own lines copy theirs first, so the order holds.
    /// </summary>
    protected int RelayFd(ref int timeoutMs)
    {
        if (Log.RelayFd < 0) return -1;
        long wait = _relayedAt + Tunables.RelayGapMs - Environment.TickCount64;
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
        if (_probe >= 0) at = _forkedAt[_probe] + Tunables.ChildStartMs; // the empty slots wait for it
        else if (Array.IndexOf(_pids, 0) >= 0) at = Math.Max(_failures.NextTryAt, now);
        else return -1;
        return (int)Math.Max(0, at - now);
    }

    /// <summary>Keeps N children: a slot whose child was reaped gets a new one, at once, or after a pause while children cannot start.</summary>
    public override void ChildrenChanged(ServerCore core)
    {
        if (_stopping) return;
        long now = Environment.TickCount64;
        int young = 0; // children that died within ChildStartMs of their fork
        for (int slot = 0; slot < _pids.Length; slot++)
        {
            int old = _pids[slot];
            if (old == 0 || Children.Table.IsRunning(old)) continue;
            _retired += Loop.Meter[slot];
            Loop.Meter.Reset(slot);
            ChildGone(slot);
            (_pids[slot], _gone[slot], _goneLived[slot]) = (0, old, now - _forkedAt[slot]);
            if (slot == _probe) _probe = -1;
            if (_goneLived[slot] < Tunables.ChildStartMs && _endedItself[slot]) young++; // killed young (a test, the soak) is no failure to start
        }
        if (young > 0) _failures.DiedAtOnce(young, now);
        // The one child forked while none would start has lived: the others are forked now.
        if (_probe >= 0 && now - _forkedAt[_probe] >= Tunables.ChildStartMs)
        {
            _probe = -1;
            var trouble = _failures.End(now);
            FillSlots(core);
            StartFailures.LogEnded(trouble, Running(), _pids.Length);
        }
        else FillSlots(core);
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
        if (now < _failures.NextTryAt || _probe >= 0) return false;
        int pid = ForkChild(core, slot);
        if (pid < 0)
        {
            int err = Errno.Last;
            Children.ForkFailures++;
            _failures.ForkFailed(err, now, Running(), _pids.Length);
            return false;
        }
        _pids[slot] = pid;
        _forkedAt[slot] = now;
        _endedItself[slot] = false;
        Children.Track(pid);
        if (_failures.InARow > 0) _probe = slot; // one at a time until this one lives
        if (_gone[slot] != 0)
        {
            LogLine line = Log.Line().Add("child "u8).Add(_gone[slot]).Add(" is gone"u8);
            if (_failures.InARow > 1) line.Add(" (it lived "u8).Add(_goneLived[slot]).Add(" ms)"u8);
            Log.Info(line.Add("; forked "u8).Add(pid).Add(" in its place"u8));
            _gone[slot] = 0;
        }
        return _probe < 0;
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
        base.LogStats(core);
        LogMeter();
    }

    public override void StopConnections(ServerCore core)
    {
        _stopping = true;
        LogMeter();
        base.StopConnections(core);
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
