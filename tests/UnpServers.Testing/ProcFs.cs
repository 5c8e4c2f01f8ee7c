namespace UnpServers.Testing;

/// <summary>What `ps` would show, read from /proc.</summary>
public static class ProcFs
{
    public static bool Exists(int pid) => Directory.Exists($"/proc/{pid}");

    /// <summary>
    /// The names of the process's threads (/proc/PID/task/TID/comm), sorted. The runtime's
    /// finalizer thread names itself once it runs, which may be a moment after the server
    /// listens: this waits (up to 5 s) for a thread of that name before it reads them.
    /// </summary>
    public static string[] ThreadNames(int pid)
    {
        string[] names = [];
        Wait.Until(() => (names = ReadThreadNames(pid)).Contains(".NET Finalizer"), 5000);
        return names;
    }

    private static string[] ReadThreadNames(int pid)
    {
        try
        {
            return Directory.GetDirectories($"/proc/{pid}/task").Select(t => File.ReadAllText(Path.Combine(t, "comm")).Trim()).Order().ToArray();
        }
        catch (IOException) { return []; }
    }

    /// <summary>Direct children, zombies included.</summary>
    public static int[] Children(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/task/{pid}/children")
                       .Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
        }
        catch (IOException) { return []; }
        catch (UnauthorizedAccessException) { return []; }
    }

    /// <summary>The ps STAT letter: R, S, Z, ...; '?' if the process is gone.</summary>
    public static char State(int pid)
    {
        string? stat = Stat(pid);
        return stat == null ? '?' : stat[stat.LastIndexOf(')') + 2];
    }

    public static int? ParentOf(int pid)
    {
        string? stat = Stat(pid);
        if (stat == null) return null;
        return int.Parse(stat[(stat.LastIndexOf(')') + 4)..].Split(' ')[0]);
    }

    /// <summary>Threads still listed for pid (0 once it is gone).</summary>
    public static int ThreadCount(int pid)
    {
        try { return Directory.GetDirectories($"/proc/{pid}/task").Length; }
        catch (DirectoryNotFoundException) { return 0; }
    }

    public static string Comm(int pid) => Read($"/proc/{pid}/comm")?.Trim() ?? "";

    public static int[] Zombies(int pid) => Children(pid).Where(c => State(c) == 'Z').ToArray();

    public static int FdCount(int pid) => Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length;

    public static long RssKb(int pid)
    {
        string line = File.ReadAllLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:"));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
    }

    /// <summary>Private_Clean + Private_Dirty of smaps_rollup, in KiB: the memory only this process uses.</summary>
    public static long PrivateKiB(int pid)
    {
        long kib = 0;
        foreach (string line in File.ReadLines($"/proc/{pid}/smaps_rollup"))
            if (line.StartsWith("Private_Clean:") || line.StartsWith("Private_Dirty:"))
                kib += long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        return kib;
    }

    /// <summary>The number of the system call pid is blocked in (/proc/PID/syscall); -1 while it runs, or once it is gone.</summary>
    public static int Syscall(int pid)
        => Read($"/proc/{pid}/syscall") is string s && int.TryParse(s.Split(' ')[0], out int nr) ? nr : -1;

    /// <summary>The number of a system call the tests look for in Syscall(), from unpwatch's table (x86-64 or arm64).</summary>
    public static int SyscallNumber(string name)
        => Enumerable.Range(0, 512).FirstOrDefault(n => Watch.Syscalls.Name(n) == name, -1) is int nr and >= 0
            ? nr : throw new ArgumentException("no number known for " + name, nameof(name));

    /// <summary>A TCP connection as ss shows it: its state (LibC.TCP_CLOSE_WAIT...) and its queues in bytes.</summary>
    public sealed record TcpEntry(int State, long SendQueue, long ReceiveQueue);

    /// <summary>The connection of this network namespace from localPort to remotePort, IPv4 or IPv6; null if there is none.</summary>
    public static TcpEntry? Tcp(int localPort, int remotePort)
    {
        foreach (string table in (string[])["/proc/net/tcp", "/proc/net/tcp6"])
        {
            foreach (string line in (Read(table) ?? "").Split('\n').Skip(1))
            {
                // sl local_address rem_address st tx_queue:rx_queue ...: addresses as HEX:PORT, in hexadecimal
                string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (f.Length < 5 || HexPort(f[1]) != localPort || HexPort(f[2]) != remotePort) continue;
                string[] queues = f[4].Split(':');
                return new TcpEntry(Convert.ToInt32(f[3], 16), Convert.ToInt64(queues[0], 16), Convert.ToInt64(queues[1], 16));
            }
        }
        return null;
    }

    private static int HexPort(string address) => Convert.ToInt32(address[(address.LastIndexOf(':') + 1)..], 16);

    private static string? Stat(int pid) => Read($"/proc/{pid}/stat");

    private static string? Read(string path)
    {
        try { return File.ReadAllText(path); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }
}
