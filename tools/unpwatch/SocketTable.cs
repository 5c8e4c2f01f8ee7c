// The sockets on the server's ports, one sock_diag dump per frame, and their transitions: a
// connection established, a state changed (ESTABLISHED -> CLOSE_WAIT ...), a socket closed,
// a TIME_WAIT that expired (UNP 2.6, 2.7, 5.12).
using System.Diagnostics;
using UnpServers.Interop;
using UnpServers.Watch;

namespace UnpServers.UnpWatch;

public sealed class SocketTable(EventLog events) : IDisposable
{
    private readonly SockDiag _diag = SockDiag.Open();
    private readonly Dictionary<(TcpEndpoint, TcpEndpoint), WatchedSocket> _byKey = [];
    private readonly List<WatchedSocket> _order = [];
    private readonly List<TcpSocket> _dump = [];
    private readonly List<(WatchedSocket Socket, int From)> _changes = [];
    private readonly List<WatchedSocket> _gone = [];
    private ushort[] _ports = [];
    private int _frame;

    /// <summary>The ports watched: the server's listening ports.</summary>
    public ReadOnlySpan<ushort> Ports => _ports;

    /// <summary>Sorted for the screen: listeners, then each connection's server end above its client end.</summary>
    public IReadOnlyList<WatchedSocket> InOrder => _order;

    /// <summary>Connections the server has had while watched (its ends seen, in ESTABLISHED or after).</summary>
    public int Connections { get; private set; }

    public void Watch(ReadOnlySpan<ushort> ports)
    {
        var all = new SortedSet<ushort>(_ports);
        foreach (ushort p in ports) all.Add(p);
        _ports = [.. all.Take(SockDiag.MaxPorts)];
    }

    /// <summary>The listening sockets on ports, every process's (to find the server).</summary>
    public List<TcpSocket> Listeners(ReadOnlySpan<ushort> ports)
    {
        var found = new List<TcpSocket>();
        _diag.Dump(ports, TcpStates.Listen, found);
        return found;
    }

    /// <summary>The CPU time (seconds) the last dump took this thread, in the kernel mostly: it walks every TCP socket of the machine.</summary>
    public double DumpCost { get; private set; }

    /// <summary>One frame's sockets: read, matched with the last frame's, changes noted for Report*.</summary>
    public void Sample(long now, bool initial)
    {
        _frame++;
        _dump.Clear();
        double before = ThreadCpu();
        _diag.Dump(_ports, TcpStates.All, _dump);
        DumpCost = ThreadCpu() - before;
        foreach (TcpSocket s in _dump)
        {
            if (_byKey.TryGetValue(s.Key, out WatchedSocket? w))
            {
                if (w.SeenInFrame == _frame) continue; // the same ends twice: a dual-stack duplicate
                if (w.Now.State != s.State)
                {
                    _changes.Add((w, w.Now.State));
                    w.StateSince = now;
                }
                w.Now = s;
            }
            else
            {
                bool serverSide = s.State != LibC.TCP_LISTEN && IsWatched(s.Local.Port);
                w = new WatchedSocket(s, serverSide, now) { New = !initial };
                _byKey.Add(s.Key, w);
                _order.Add(w);
                if (serverSide && IsConnected(s.State)) Connections++;
                // Opened and already closing between two frames: seen as a change from ESTABLISHED.
                if (!initial && s.State is not (LibC.TCP_ESTABLISHED or LibC.TCP_LISTEN) && IsConnected(s.State))
                    _changes.Add((w, LibC.TCP_ESTABLISHED));
            }
            w.SeenInFrame = _frame;
        }
        foreach (WatchedSocket w in _order) if (w.SeenInFrame != _frame) _gone.Add(w);
        foreach (WatchedSocket w in _gone)
        {
            _order.Remove(w);
            _byKey.Remove(w.Now.Key);
        }
        _order.Sort(ScreenOrder);
    }

    /// <summary>This frame's new connections (and new listeners), before the forks that serve them.</summary>
    public void ReportNew()
    {
        foreach (WatchedSocket w in _order)
        {
            if (!w.New) continue;
            w.New = false;
            if (w.IsListener) events.Add(EventKind.Connection, $"listening on {w.Local}");
            else if (w.ServerSide && IsConnected(w.Now.State)) Established(w);
        }
    }

    /// <summary>This frame's state changes, closed sockets and expired TIME_WAITs.</summary>
    public void ReportChanges(long now)
    {
        foreach (var (w, from) in _changes)
        {
            if (w.ServerSide && !IsConnected(from) && IsConnected(w.Now.State))
            {
                Connections++;
                Established(w);
                if (w.Now.State != LibC.TCP_ESTABLISHED) Changed(w, LibC.TCP_ESTABLISHED);
            }
            else Changed(w, from);
        }
        _changes.Clear();
        foreach (WatchedSocket w in _gone)
        {
            if (w.Now.State == LibC.TCP_TIME_WAIT)
                events.Add(EventKind.Closed, $"{w.Ends}: TIME_WAIT expired after {Units.Elapsed(Stopwatch.GetElapsedTime(w.StateSince, now).TotalSeconds)}");
            else if (w.IsListener)
                events.Add(EventKind.Closed, $"listener {w.Local} closed");
            else
                events.Add(EventKind.Closed, $"{w.Ends}: {TcpStates.Name(w.Now.State)} -> CLOSED");
        }
        _gone.Clear();
    }

    /// <summary>"connection from 127.0.0.1:51234 to 127.0.0.1:9877 established": the server's end, ESTABLISHED or past it.</summary>
    private void Established(WatchedSocket w)
    {
        bool queued = w.Now.State == LibC.TCP_ESTABLISHED && w.Now.Inode == 0; // no descriptor yet: not accepted
        events.Add(EventKind.Connection, $"connection from {w.Remote} to {w.Local} established{(queued ? ", in the accept queue" : "")}");
    }

    private void Changed(WatchedSocket w, int from)
        => events.Add(EventKind.State, $"{w.Ends}: {TcpStates.Name(from)} -> {TcpStates.Name(w.Now.State)}");

    /// <summary>A connection the three-way handshake has completed (not SYN_*, not a listener).</summary>
    private static bool IsConnected(int state) => state is not (LibC.TCP_SYN_SENT or LibC.TCP_SYN_RECV or LibC.TCP_NEW_SYN_RECV or LibC.TCP_LISTEN or LibC.TCP_CLOSE);

    private static double ThreadCpu()
    {
        LibC.clock_gettime(LibC.CLOCK_THREAD_CPUTIME_ID, out timespec t);
        return t.tv_sec + t.tv_nsec / 1e9;
    }

    private bool IsWatched(ushort port) => Array.IndexOf(_ports, port) >= 0;

    private static readonly Comparison<WatchedSocket> ScreenOrder = (a, b) =>
    {
        int c = a.ConnectionPort.CompareTo(b.ConnectionPort);
        if (c != 0) return c;
        c = b.ServerSide.CompareTo(a.ServerSide);
        return c != 0 ? c : a.Now.Local.Port.CompareTo(b.Now.Local.Port);
    };

    public void Dispose() => _diag.Dispose();
}
