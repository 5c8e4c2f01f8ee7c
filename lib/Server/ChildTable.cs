// The parent's table of running children, by pid and pidfd: what SIGCHLD reaps (UNP 5.10)
// and what --max-children counts.
using UnpServers.Interop;

namespace UnpServers.Server;

/// <summary>
/// The parent's children: those running and, in --reap none/wait, the zombies not yet
/// collected. A small array, scanned linearly: it holds at most --max-children running
/// entries, and adding or removing allocates nothing once it has grown.
/// Each child is held by a pidfd as well as its pid: a pid is free for reuse as soon as
/// the child is reaped (by the kernel, in --reap ignore), a pidfd names that one process
/// for as long as it is open, so signals sent through it never reach a stranger.
/// </summary>
public sealed class ChildTable(int capacity)
{
    private int[] _pids = new int[Math.Max(capacity, 16)];
    private int[] _pidfds = new int[Math.Max(capacity, 16)];
    private bool[] _exited = new bool[Math.Max(capacity, 16)];

    /// <summary>Entries, zombies included.</summary>
    public int Count { get; private set; }

    /// <summary>Children still running: the ones that count against --max-children.</summary>
    public int Running { get; private set; }

    public int Pid(int index) => _pids[index];

    /// <summary>The child's pidfd, or -1 if pidfd_open failed.</summary>
    public int Pidfd(int index) => _pidfds[index];

    /// <summary>Every pidfd held: a forked child closes them (they are its siblings, not its business).</summary>
    public ReadOnlySpan<int> Pidfds => _pidfds.AsSpan(0, Count);

    public bool HasExited(int index) => _exited[index];

    /// <summary>Whether pid is a child of ours not yet reaped nor exited: a pre-forking parent replaces the others.</summary>
    public bool IsRunning(int pid)
    {
        int i = IndexOf(pid);
        return i >= 0 && !_exited[i];
    }

    /// <param name="pidfd">from pidfd_open(pid), or -1.</param>
    public void Add(int pid, int pidfd)
    {
        if (Count == _pids.Length)
        {
            Array.Resize(ref _pids, _pids.Length * 2);
            Array.Resize(ref _pidfds, _pidfds.Length * 2);
            Array.Resize(ref _exited, _exited.Length * 2);
        }
        _pids[Count] = pid;
        _pidfds[Count] = pidfd;
        _exited[Count] = false;
        Count++;
        Running++;
    }

    /// <summary>The child has been reaped: forget it and close its pidfd. False if it was not ours.</summary>
    public bool Remove(int pid)
    {
        int i = IndexOf(pid);
        if (i < 0) return false;
        if (!_exited[i]) Running--;
        if (_pidfds[i] >= 0) LibC.close(_pidfds[i]);
        Count--;
        _pids[i] = _pids[Count];
        _pidfds[i] = _pidfds[Count];
        _exited[i] = _exited[Count];
        return true;
    }

    /// <summary>
    /// The child has exited but is not reaped (a zombie): it no longer counts as running,
    /// and its pidfd goes (a zombie keeps its pid, and is signalled no more), so --reap none
    /// does not pile up descriptors with its zombies.
    /// </summary>
    public void MarkExited(int index)
    {
        if (_exited[index]) return;
        _exited[index] = true;
        Running--;
        if (_pidfds[index] >= 0) LibC.close(_pidfds[index]);
        _pidfds[index] = -1;
    }

    private int IndexOf(int pid)
    {
        for (int i = 0; i < Count; i++) if (_pids[i] == pid) return i;
        return -1;
    }
}
