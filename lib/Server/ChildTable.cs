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
/// One array of entries, not one per field: a fork makes every page of the parent
/// copy-on-write again, and what the parent writes per connection should be on few pages.
/// </summary>
public sealed class ChildTable(int capacity)
{
    private struct Entry
    {
        public int Pid;
        public int Pidfd;
        public bool Exited;
    }

    private Entry[] _entries = new Entry[Math.Max(capacity, 16)];

    /// <summary>Entries, zombies included.</summary>
    public int Count { get; private set; }

    /// <summary>Children still running: the ones that count against --max-children.</summary>
    public int Running { get; private set; }

    public int Pid(int index) => _entries[index].Pid;

    /// <summary>The child's pidfd, or -1 if pidfd_open failed.</summary>
    public int Pidfd(int index) => _entries[index].Pidfd;

    public bool HasExited(int index) => _entries[index].Exited;

    /// <summary>Whether pid is a child of ours not yet reaped nor exited: a pre-forking parent replaces the others.</summary>
    public bool IsRunning(int pid)
    {
        int i = IndexOf(pid);
        return i >= 0 && !_entries[i].Exited;
    }

    /// <param name="pidfd">from pidfd_open(pid), or -1.</param>
    public void Add(int pid, int pidfd)
    {
        if (Count == _entries.Length) Array.Resize(ref _entries, _entries.Length * 2);
        _entries[Count++] = new Entry { Pid = pid, Pidfd = pidfd };
        Running++;
    }

    /// <summary>The child has been reaped: forget it and close its pidfd. False if it was not ours.</summary>
    public bool Remove(int pid)
    {
        int i = IndexOf(pid);
        if (i < 0) return false;
        if (!_entries[i].Exited) Running--;
        if (_entries[i].Pidfd >= 0) LibC.close(_entries[i].Pidfd);
        _entries[i] = _entries[--Count];
        return true;
    }

    /// <summary>
    /// The child has exited but is not reaped (a zombie): it no longer counts as running,
    /// and its pidfd goes (a zombie keeps its pid, and is signalled no more), so --reap none
    /// does not pile up descriptors with its zombies.
    /// </summary>
    public void MarkExited(int index)
    {
        ref Entry e = ref _entries[index];
        if (e.Exited) return;
        e.Exited = true;
        Running--;
        if (e.Pidfd >= 0) LibC.close(e.Pidfd);
        e.Pidfd = -1;
    }

    private int IndexOf(int pid)
    {
        for (int i = 0; i < Count; i++) if (_entries[i].Pid == pid) return i;
        return -1;
    }
}
