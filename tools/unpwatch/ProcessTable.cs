// The server's processes: the parent, its descendants (/proc/PID/task/PID/children, read again
// each frame) and, for the thread designs, their threads. Each one is watched until it is gone:
// a child whose server died stays in the view as the orphan it is. When each exits and when it
// is reaped is seen as it happens (ExitWatch), so a zombie that lives 0.3 ms is still seen and
// timed (UNP 5.9, 5.10).
using System.Diagnostics;
using UnpServers.Interop;
using UnpServers.Watch;

namespace UnpServers.UnpWatch;

public sealed class ProcessTable(EventLog events, ExitWatch exits) : IDisposable
{
    private readonly Dictionary<int, WatchedTask> _byPid = [];
    /// <summary>The processes in the order ps f lists them: each one's descendants right after it.</summary>
    private readonly List<WatchedTask> _order = [];
    private readonly List<int> _scratch = [];
    private readonly List<WatchedTask> _ended = [];
    private byte[] _buf = new byte[4096];
    private int _frame;

    /// <summary>The server's parent process, null once it is gone.</summary>
    public WatchedTask? Root { get; private set; }
    public IReadOnlyList<WatchedTask> InOrder => _order;
    public int ZombiesNow { get; private set; }
    public int ZombiesMost { get; private set; }
    public int Reaped { get; private set; }
    public int ChildrenAlive { get; private set; }

    public bool TryGet(int pid, out WatchedTask task) => _byPid.TryGetValue(pid, out task!);

    /// <summary>Watches pid as the server from now on (at start, or a new server on the port); null if it is gone.</summary>
    public WatchedTask? Attach(int pid, long now)
    {
        WatchedTask? t = _byPid.GetValueOrDefault(pid) ?? Add(pid, 0, now, parent: null);
        if (t == null) return null;
        t.ForkReported = true; // the server was there: it is not a fork of this view
        Root = t;
        return t;
    }

    /// <summary>
    /// One frame: the processes read again, new descendants and threads found. Reading costs
    /// a system call per file, ten times a second: the server every frame, the first
    /// freshRows rows (those on the screen) every other frame, the rest one in Stagger frames
    /// each, turn by turn. An exit is not missed meanwhile: the pidfds report it at once.
    /// initial: the first frame, whose processes and threads were there before us (all read).
    /// </summary>
    /// <returns>Whether a process was found, or exited, or was reaped.</returns>
    public bool Sample(long now, bool initial, int freshRows)
    {
        _frame++;
        int before = _order.Count;
        long exits = _exitsSeen;
        int row = 0;
        for (int i = 0; i < _order.Count; i++) // the list grows as children are found: they are read too
        {
            WatchedTask p = _order[i];
            if (p.Gone) continue;
            // The age needs no reading (it counts from the start time); the state and the wait do.
            bool onScreen = row++ < freshRows;
            bool fresh = initial || p == Root || (onScreen ? (i + _frame) % 2 == 0 : Turn(i));
            if (fresh)
            {
                if (!p.Refresh(_buf))
                {
                    Exit(p, now, gone: true);
                    continue;
                }
                if (p.IsZombie) Exit(p, now, gone: false);
                p.RefreshWhere(_buf);
            }
            if (p.Exited) continue;
            if (fresh && (p.Stat.Threads > 1 || p.Threads.Count > 0)) row = SampleThreads(p, now, initial, row, freshRows);
            // Its children: the kernel lists them in a time that grows as their square. A parent
            // that forked has run (its next write faults, copy on write): an idle server is not asked.
            if (!fresh || (p == Root && !initial && !p.Ran && !Turn(i))) continue;
            _scratch.Clear();
            p.ReadChildren(ref _buf, _scratch);
            foreach (int child in _scratch)
                if (!_byPid.ContainsKey(child) && Add(child, p.Depth + 1, now, parent: p) is WatchedTask c) c.ForkReported = initial;
        }

        int zombies = 0, alive = 0;
        foreach (WatchedTask p in _order)
        {
            if (p.Gone) continue; // reaped, and reported at the next socket sample
            if (p.IsZombie) zombies++;
            else if (!p.Exited && p != Root) alive++;
        }
        ZombiesNow = zombies;
        ZombiesMost = Math.Max(ZombiesMost, zombies);
        ChildrenAlive = alive;
        return _order.Count != before || _exitsSeen != exits;
    }

    /// <summary>A row off the screen is read one frame in this many (a second).</summary>
    private const int Stagger = 10;

    private bool Turn(int i) => (i + _frame) % Stagger == 0;

    /// <summary>Exits and reapings seen so far, by any way (a pidfd, a look, a frame).</summary>
    private long _exitsSeen;

    /// <summary>The processes whose pidfds say they have exited: each one's status read now, while it is a zombie.</summary>
    public void OnExits(long now)
    {
        foreach (int pid in exits.Exited(_scratch))
            if (_byPid.TryGetValue(pid, out WatchedTask? p) && !p.Exited) Exit(p, now, gone: !p.Refresh(_buf));
    }

    /// <summary>Looks again at the exited processes due for a look: gone means reaped.</summary>
    public void LookForReaped(long now)
    {
        foreach (int pid in exits.Due(now, _scratch))
            if (_byPid.TryGetValue(pid, out WatchedTask? p) && !p.Gone && !p.Refresh(_buf)) Exit(p, now, gone: true);
    }

    /// <summary>This frame's forks (and threads started), in the order they were found.</summary>
    public void ReportForks()
    {
        foreach (WatchedTask p in _order)
        {
            if (!p.ForkReported)
            {
                p.ForkReported = true;
                events.Add(EventKind.Fork, $"child {p.Pid} forked by {p.Stat.Ppid} ({p.Comm})");
            }
            foreach (WatchedTask t in p.Threads.Values)
            {
                if (t.ForkReported || t.Hidden) continue;
                t.ForkReported = true;
                events.Add(EventKind.Fork, $"thread {t.Tid} of {p.Pid} started ({t.Comm})");
            }
        }
    }

    /// <summary>
    /// This frame's ends, in the order a child lives them: exited (with its status), a zombie
    /// (if it stays one for more than a moment), reaped (and for how long it was a zombie).
    /// </summary>
    public void ReportEnds(long now)
    {
        foreach (WatchedTask t in _endedThreads)
        {
            if (t.ForkReported && !t.Hidden) events.Add(EventKind.Exit, $"thread {t.Tid} of {t.Pid} ended ({t.Comm})");
            t.Dispose();
        }
        _endedThreads.Clear();
        foreach (WatchedTask p in _order)
        {
            string who = p == Root ? "server" : "child";
            if (p.Exited && !p.ExitReported)
            {
                p.ExitReported = true;
                string how = p.Status is int s ? WatchedTask.Describe(s) : "reaped before its status could be read";
                if (!p.SeenAsZombie && p.Status != null) how += ", reaped at once";
                bool killed = p.Status is int st && !LibC.WIFEXITED(st);
                events.Add(killed ? EventKind.Killed : EventKind.Exit, $"{who} {p.Pid} exited ({how})");
            }
            if (p.Exited && !p.Gone && p.IsZombie && !p.ZombieReported
                && Stopwatch.GetElapsedTime(p.ExitedAt, now).TotalMilliseconds >= ZombieAfterMs)
            {
                p.ZombieReported = true;
                events.Add(EventKind.Zombie, $"{who} {p.Pid} is a zombie: its parent {p.Stat.Ppid} has not reaped it");
            }
            if (p.Gone) _ended.Add(p);
        }
        foreach (WatchedTask p in _ended)
        {
            if (p != Root) Reaped++;
            events.Add(EventKind.Reaped, $"{(p == Root ? "server" : "child")} {p.Pid} reaped ({ZombieFor(p)})");
            Remove(p);
        }
        _ended.Clear();
    }

    /// <summary>A zombie reaped sooner than this gets no line of its own: "reaped (a zombie for 0.3 ms)" says it.</summary>
    private const int ZombieAfterMs = 20;

    private static string ZombieFor(WatchedTask p)
    {
        if (!p.SeenAsZombie) return "not seen as a zombie";
        // Seen gone at a look: reaped since the look before, at most this long after its exit.
        double ms = Stopwatch.GetElapsedTime(p.ExitedAt, p.GoneAt).TotalMilliseconds;
        return "a zombie for " + (ms < ZombieAfterMs ? "at most " : "") + Units.Elapsed(ms / 1000);
    }

    private void Exit(WatchedTask p, long now, bool gone)
    {
        if (!p.Exited || (gone && !p.Gone)) _exitsSeen++;
        if (!p.Exited)
        {
            p.ExitedAt = now;
            p.Status = gone ? ExitWatch.ExitStatus(p) : p.Stat.ExitCode;
            p.SeenAsZombie = !gone;
            exits.Stop(p);
        }
        if (gone)
        {
            p.GoneAt = now;
            exits.Done(p.Pid);
        }
        else exits.LookUntilReaped(p.Pid, now);
    }

    /// <summary>The threads of p (/proc/PID/task) listed again, read as its processes are; returns the row after them.</summary>
    private int SampleThreads(WatchedTask p, long now, bool initial, int row, int freshRows)
    {
        _scratch.Clear();
        if (!ProcDirs.Threads(p.Pid, _scratch)) return row;
        foreach (int tid in _scratch)
        {
            if (tid == p.Pid) continue;
            if (!p.Threads.TryGetValue(tid, out WatchedTask? t))
            {
                t = new WatchedTask(p.Pid, tid, now) { Depth = p.Depth + 1, ForkReported = initial };
                p.Threads.Add(tid, t);
                t.ListedInFrame = -1; // new: read now
            }
            else t.ListedInFrame = _frame;
        }
        int j = 0;
        foreach (WatchedTask t in p.Threads.Values)
        {
            bool listed = t.ListedInFrame == _frame || t.ListedInFrame == -1;
            bool onScreen = !t.Hidden && row < freshRows;
            bool fresh = t.ListedInFrame == -1 || (onScreen ? (j + _frame) % 2 == 0 : Turn(j));
            j++;
            if (t.ListedInFrame == -1) t.ListedInFrame = _frame;
            if (listed && (!fresh || t.Refresh(_buf)))
            {
                if (t.Hidden) continue;
                row++;
                if (fresh) t.RefreshWhere(_buf);
                continue;
            }
            _endedThreads.Add(t);
        }
        foreach (WatchedTask t in _endedThreads)
            if (t.Pid == p.Pid && p.Threads.Remove(t.Tid)) t.GoneAt = now;
        return row;
    }

    /// <summary>Threads gone since the last report, kept for their line: "thread 4713 of 4711 ended".</summary>
    private readonly List<WatchedTask> _endedThreads = [];

    private WatchedTask? Add(int pid, int depth, long now, WatchedTask? parent)
    {
        var t = new WatchedTask(pid, 0, now) { Depth = depth };
        // Still the child it was listed as (not a pid reused since), or the server asked for.
        if (!t.Refresh(_buf) || (parent != null && t.Stat.Ppid != parent.Pid))
        {
            t.Dispose();
            return null;
        }
        _byPid.Add(pid, t);
        _order.Insert(parent == null ? _order.Count : SubtreeEnd(parent), t);
        exits.Open(t);
        if (t.IsZombie) Exit(t, now, gone: false);
        return t;
    }

    /// <summary>Where a new child of parent goes: after parent and everything listed under it.</summary>
    private int SubtreeEnd(WatchedTask parent)
    {
        int i = _order.IndexOf(parent) + 1;
        while (i < _order.Count && _order[i].Depth > parent.Depth) i++;
        return i;
    }

    private void Remove(WatchedTask p)
    {
        _order.Remove(p);
        _byPid.Remove(p.Pid);
        exits.Close(p);
        exits.Done(p.Pid);
        if (p == Root) Root = null;
        p.Dispose();
    }

    public void Dispose()
    {
        foreach (WatchedTask t in _order)
        {
            exits.Close(t);
            t.Dispose();
        }
        _order.Clear();
        _byPid.Clear();
    }
}
