namespace UnpServers.Server;

/// <summary>
/// The parent's children: those running and, in --reap none/wait, the zombies not yet
/// collected. A small array, scanned linearly: it holds at most --max-children running
/// entries, and adding or removing allocates nothing once it has grown.
/// </summary>
public sealed class ChildTable(int capacity)
{
    private int[] _pids = new int[Math.Max(capacity, 16)];
    private bool[] _exited = new bool[Math.Max(capacity, 16)];

    /// <summary>Entries, zombies included.</summary>
    public int Count { get; private set; }

    /// <summary>Children still running: the ones that count against --max-children.</summary>
    public int Running { get; private set; }

    public int Pid(int index) => _pids[index];

    public bool HasExited(int index) => _exited[index];

    public void Add(int pid)
    {
        if (Count == _pids.Length)
        {
            Array.Resize(ref _pids, _pids.Length * 2);
            Array.Resize(ref _exited, _exited.Length * 2);
        }
        _pids[Count] = pid;
        _exited[Count] = false;
        Count++;
        Running++;
    }

    /// <summary>The child has been reaped: forget it. False if it was not ours.</summary>
    public bool Remove(int pid)
    {
        int i = IndexOf(pid);
        if (i < 0) return false;
        if (!_exited[i]) Running--;
        Count--;
        _pids[i] = _pids[Count];
        _exited[i] = _exited[Count];
        return true;
    }

    /// <summary>The child has exited but is not reaped (a zombie): it no longer counts as running.</summary>
    public void MarkExited(int index)
    {
        if (_exited[index]) return;
        _exited[index] = true;
        Running--;
    }

    private int IndexOf(int pid)
    {
        for (int i = 0; i < Count; i++) if (_pids[i] == pid) return i;
        return -1;
    }
}
