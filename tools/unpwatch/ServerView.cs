// Everything the view knows of the server: its processes, its sockets and who holds them, and
// the events. One Sample per frame reads it all again and reports what changed, in the order a
// connection lives it: established, forked, exited, reaped, then the sockets' state changes.
using System.Diagnostics;
using UnpServers.Watch;

namespace UnpServers.UnpWatch;

public sealed class ServerView : IDisposable
{
    public EventLog Events { get; }
    public ProcessTable Processes { get; }
    public SocketTable Sockets { get; }
    public SocketHolders Holders { get; } = new();
    /// <summary>When the last sample was read (Stopwatch ticks).</summary>
    public long SampledAt { get; private set; }

    private readonly ExitWatch _exits;
    private long _lookedForServerAt;
    private static readonly long LookForServerEvery = Stopwatch.Frequency;

    /// <param name="live">False for one frame (--once): exits are not watched.</param>
    public ServerView(EventLog events, bool live)
    {
        Live = live;
        Events = events;
        _exits = new ExitWatch(live);
        Processes = new ProcessTable(events, _exits);
        Sockets = new SocketTable(events);
    }

    /// <summary>The first sample: what is there now is the starting point, not news.</summary>
    public void Start(int pid, ushort[] ports, long now)
    {
        Sockets.Watch(ports);
        Processes.Attach(pid, now);
        Sample(now, initial: true);
        Events.Add(EventKind.Watch, $"watching {Describe()}");
    }

    /// <summary>"echosrv 4711 on port 9877", or what is left when the server is gone.</summary>
    public string Describe()
    {
        string ports = Sockets.Ports.Length == 1 ? $"port {Sockets.Ports[0]}" : "ports " + string.Join(", ", Sockets.Ports.ToArray());
        return Processes.Root is WatchedTask r ? $"{r.Comm} {r.Pid} on {ports}" : $"no server on {ports}";
    }

    /// <summary>
    /// One frame. The processes are read every frame (those off the screen in turn, see
    /// ProcessTable); the sockets when something may have changed (TCP segments went by, a
    /// process came or went) and the dump budget allows it (every frame on a quiet machine).
    /// The events of both are reported then, so that a connection is always reported before
    /// the child forked for it.
    /// </summary>
    /// <param name="freshRows">The process rows on the screen: read every frame (the others in turn).</param>
    public void Sample(long now, bool initial = false, int freshRows = 0)
    {
        bool hadServer = Processes.Root != null;
        Processes.OnExits(now);
        Processes.LookForReaped(now);
        _pending |= Processes.Sample(now, initial, freshRows);
        long segments = _counters.Segments();
        // Nothing sent or received, no process come or gone: no socket can have changed state,
        // but for those that time out in silence, looked for once a second.
        bool quiet = !_pending && segments == _segments && segments >= 0 && now - _dumpedAt < QuietDumpEvery;
        if (!initial && (quiet || !Budget.TryTake(now, urgent: _pending))) return;
        (_pending, _segments, _dumpedAt) = (false, segments, now);
        Processes.OnExits(Stopwatch.GetTimestamp()); // an exit during the frame's reading is timed as it happens
        Sockets.Sample(now, initial);
        Budget.Paid(Sockets.DumpCost);
        Processes.OnExits(Stopwatch.GetTimestamp());
        Holders.Resolve(Sockets.InOrder, Processes, now);
        Processes.OnExits(Stopwatch.GetTimestamp());
        SampledAt = now;

        Sockets.ReportNew();
        Processes.ReportForks();
        Processes.ReportEnds(now);
        Sockets.ReportChanges(now);
        Holders.Forget(Sockets.InOrder, Processes);

        if (hadServer && Processes.Root == null) Events.Add(EventKind.Watch, $"{Describe()}: watching for a new one");
        if (Processes.Root == null) LookForServer(now);
    }

    /// <summary>Whether the socket dumps are thinned out (seconds between them), or 0 when they come every frame (or there is one frame).</summary>
    public double SocketsEvery => Live && Budget.Interval > 0.15 ? Budget.Interval : 0;

    /// <summary>Frame after frame, not one (--once).</summary>
    public bool Live { get; }

    public DumpBudget Budget { get; } = new();
    private readonly TcpCounters _counters = new();
    private bool _pending;
    private long _segments = -1, _dumpedAt;
    private static readonly long QuietDumpEvery = Stopwatch.Frequency;

    /// <summary>The server gone, a new one may listen on the port (the lab's restart): watched when it does.</summary>
    private void LookForServer(long now)
    {
        if (now - _lookedForServerAt < LookForServerEvery) return;
        _lookedForServerAt = now;
        List<TcpSocket> listeners = Sockets.Listeners(Sockets.Ports).FindAll(s => Sockets.Ports.Contains(s.Local.Port));
        if (listeners.Count == 0) return;
        int pid = Target.Holder(listeners);
        if (pid == 0 || Processes.Attach(pid, now) == null) return;
        Events.Add(EventKind.Watch, $"watching {Describe()}");
    }

    /// <summary>The pidfds' set: readable when a watched process has exited (OnExits then reads them).</summary>
    public int ExitsFd => _exits.Fd;

    public void OnExits(long now) => Processes.OnExits(now);

    public void LookForReaped(long now) => Processes.LookForReaped(now);

    /// <summary>When an exited process is next due for a look (Stopwatch ticks), or long.MaxValue.</summary>
    public long NextLook => _exits.NextLook();

    public void Dispose()
    {
        _counters.Dispose();
        Processes.Dispose();
        Sockets.Dispose();
        _exits.Dispose();
    }
}
