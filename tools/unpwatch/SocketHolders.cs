// Which process holds each socket, as ss -p shows it: the inode sock_diag gives, found among
// the links of /proc/PID/fd (lib/Watch/SocketOwners.cs). Reading descriptors costs a system
// call each, so a socket is looked for only while its holder is unknown: first in the
// processes not read before (a new child holds the connection it was forked for), then in the
// server, then in its whole tree, and last, for the client's end, in every process of /proc.
// A socket two processes hold (after fork, before the parent's close, UNP 4.8) is shown as the
// child's, a listener as the server's.
using System.Diagnostics;
using UnpServers.Interop;
using UnpServers.Watch;

namespace UnpServers.UnpWatch;

public sealed class SocketHolders
{
    private readonly Dictionary<uint, int> _holder = [];
    private readonly Dictionary<uint, long> _rootSince = [];
    private readonly Dictionary<uint, int> _searches = [];
    private readonly HashSet<int> _read = [];
    private readonly HashSet<uint> _missing = [];
    private readonly HashSet<uint> _listeners = [];
    private readonly HashSet<uint> _inodes = [];
    private readonly Dictionary<int, string> _outsiders = [];
    private readonly List<int> _pids = [];
    private long _treeReadAt, _allReadAt;

    private static readonly long TreeEvery = Stopwatch.Frequency / 4;
    private static readonly long AllEvery = Stopwatch.Frequency;
    /// <summary>How long a connection shown as the server's is looked for in its children (prefork-pass hands it over).</summary>
    private static readonly long HandOver = Stopwatch.Frequency * 2;
    private const int MostSearches = 3;

    /// <summary>The pid holding the socket, or 0 (none, or not one this user may see).</summary>
    public int Holder(in TcpSocket s) => s.Inode != 0 && _holder.TryGetValue(s.Inode, out int pid) ? pid : 0;

    /// <summary>The command of a holder outside the server's tree (the client).</summary>
    public string? OutsiderName(int pid) => _outsiders.GetValueOrDefault(pid);

    public void Resolve(IReadOnlyList<WatchedSocket> sockets, ProcessTable procs, long now)
    {
        _missing.Clear();
        _listeners.Clear();
        int root = procs.Root?.Pid ?? 0;
        foreach (WatchedSocket w in sockets)
        {
            uint inode = w.Now.Inode;
            if (inode == 0) continue;
            if (w.IsListener) _listeners.Add(inode);
            if (_holder.TryGetValue(inode, out int pid))
            {
                bool alive = pid < 0 || !procs.TryGet(pid, out WatchedTask t) ? true : !t.Exited;
                bool handedOver = pid == root && !w.IsListener && procs.ChildrenAlive > 0 && now - _rootSince.GetValueOrDefault(inode) < HandOver;
                if (alive && !handedOver) continue;
                if (!alive) _holder.Remove(inode);
            }
            if (_searches.GetValueOrDefault(inode) < MostSearches) _missing.Add(inode);
        }
        if (_missing.Count == 0) return;

        // The processes never read (new children), and the server.
        foreach (WatchedTask p in procs.InOrder)
            if (!p.Exited && (p.Pid == root || !_read.Contains(p.Pid))) Read(p.Pid, root, inTree: true, now);
        if (!AnyUnheld(handOvers: true)) return;
        if (now - _treeReadAt >= TreeEvery)
        {
            _treeReadAt = now;
            foreach (WatchedTask p in procs.InOrder)
                if (!p.Exited && p.Pid != root) Read(p.Pid, root, inTree: true, now);
        }
        if (!AnyUnheld(handOvers: false) || now - _allReadAt < AllEvery) return;
        // The client's end, or a descriptor passed out of the tree: every process we may look into.
        _allReadAt = now;
        _pids.Clear();
        ProcDirs.AllPids(_pids);
        foreach (int pid in _pids)
            if (!procs.TryGet(pid, out _)) Read(pid, root, inTree: false, now);
        foreach (uint inode in _missing)
            if (!_holder.ContainsKey(inode)) _searches[inode] = _searches.GetValueOrDefault(inode) + 1;
    }

    /// <summary>Whether a socket still has no holder (or, with handOvers, is still shown as the server's while it may be a child's).</summary>
    private bool AnyUnheld(bool handOvers)
    {
        foreach (uint inode in _missing)
            if (!_holder.ContainsKey(inode) || (handOvers && _rootSince.ContainsKey(inode))) return true;
        return false;
    }

    private void Read(int pid, int root, bool inTree, long now)
    {
        _inodes.Clear();
        if (!SocketOwners.Sockets(pid, _inodes)) return;
        if (inTree) _read.Add(pid);
        foreach (uint inode in _missing)
        {
            if (!_inodes.Contains(inode)) continue;
            if (_holder.TryGetValue(inode, out int held) && held != pid)
            {
                bool listener = _listeners.Contains(inode);
                // Both hold it: the listener is the server's, a connection the child's.
                if (listener ? held == root : pid == root) continue;
            }
            _holder[inode] = pid;
            if (pid == root && !_listeners.Contains(inode)) _rootSince.TryAdd(inode, now);
            else _rootSince.Remove(inode);
            if (!inTree) _outsiders[pid] = Comm(pid);
        }
    }

    private static string Comm(int pid)
    {
        Span<byte> buf = stackalloc byte[64];
        int n = ProcFile.ReadOnce(ProcFile.Path(pid, 0, "comm"), buf);
        return n > 0 ? System.Text.Encoding.UTF8.GetString(buf[..n]).TrimEnd('\n') : "?";
    }

    /// <summary>Forgets what no longer exists: sockets gone, processes gone.</summary>
    public void Forget(IReadOnlyList<WatchedSocket> sockets, ProcessTable procs)
    {
        if (_holder.Count < 2 * sockets.Count + 64) return;
        var live = new HashSet<uint>();
        foreach (WatchedSocket w in sockets) live.Add(w.Now.Inode);
        foreach (uint inode in _holder.Keys.Where(i => !live.Contains(i)).ToList())
        {
            _holder.Remove(inode);
            _rootSince.Remove(inode);
            _searches.Remove(inode);
        }
        _read.RemoveWhere(pid => !procs.TryGet(pid, out _));
    }
}
