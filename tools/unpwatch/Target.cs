// Which server to watch: the process holding the listener of --port (sock_diag finds the
// listener, /proc/PID/fd its holder), or --pid and the ports it listens on. What cannot be
// watched is bad input: one line, the usage, exit 64.
using System.Text;
using UnpServers.Interop;
using UnpServers.Unp;
using UnpServers.Watch;

namespace UnpServers.UnpWatch;

public static class Target
{
    /// <summary>The server's pid and its listening ports, or the process ends with a usage error.</summary>
    public static (int Pid, ushort[] Ports) Find(Options o, SocketTable sockets)
    {
        if (o.Port is int port)
        {
            List<TcpSocket> listeners = sockets.Listeners([(ushort)port]).FindAll(s => s.Local.Port == port);
            if (listeners.Count == 0) BadInput($"nothing listens on TCP port {port}");
            int pid = Holder(listeners);
            if (pid == 0) BadInput($"the listener on port {port} belongs to uid {listeners[0].Uid}, whose processes you may not look into");
            return (pid, [(ushort)port]);
        }
        int p = o.Pid!.Value;
        byte[] stat = ProcFile.Path(p, 0, "stat");
        Span<byte> buf = stackalloc byte[1024];
        int n = ProcFile.ReadOnce(stat, buf);
        ProcStat st = default;
        Range comm = default;
        if (n <= 0 || !ProcStat.TryParse(buf[..n], out st, out comm)) BadInput($"there is no process {p}");
        string name = Encoding.UTF8.GetString(buf[comm]);
        if (st.State == 'Z') BadInput($"process {p} ({name}) is a zombie, not a server");
        var inodes = new HashSet<uint>();
        if (!SocketOwners.Sockets(p, inodes)) BadInput($"process {p} ({name}) is not yours: its descriptors cannot be read");
        var ports = new SortedSet<ushort>();
        foreach (TcpSocket s in sockets.Listeners([]))
            if (inodes.Contains(s.Inode)) ports.Add(s.Local.Port);
        if (ports.Count == 0) BadInput($"process {p} ({name}) is not a server: it has no listening TCP socket");
        return (p, [.. ports.Take(SockDiag.MaxPorts)]);
    }

    /// <summary>
    /// The process holding these listeners, 0 if none this user may see: the topmost of those
    /// holding one (a pre-forked server's children hold it too; their parent is the server).
    /// </summary>
    public static int Holder(List<TcpSocket> listeners)
    {
        var wanted = new HashSet<uint>();
        foreach (TcpSocket s in listeners) if (s.Inode != 0) wanted.Add(s.Inode);
        var pids = new List<int>();
        ProcDirs.AllPids(pids);
        var holders = new Dictionary<int, ProcStat>();
        var inodes = new HashSet<uint>();
        Span<byte> buf = stackalloc byte[1024];
        foreach (int pid in pids)
        {
            inodes.Clear();
            if (!SocketOwners.Sockets(pid, inodes) || !inodes.Overlaps(wanted)) continue;
            int n = ProcFile.ReadOnce(ProcFile.Path(pid, 0, "stat"), buf);
            if (n > 0 && ProcStat.TryParse(buf[..n], out ProcStat st, out _) && st.State != 'Z') holders[pid] = st;
        }
        int best = 0;
        foreach (var (pid, st) in holders)
            if (!holders.ContainsKey(st.Ppid) && (best == 0 || st.StartTime < holders[best].StartTime)) best = pid;
        return best;
    }

    /// <summary>One line saying why, the usage line, exit 64 (EX_USAGE).</summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public static void BadInput(string reason)
    {
        Output.Write(Stdio.Err, $"unpwatch: {reason}\nusage: {Options.UsageLine}\n");
        Environment.Exit(LibC.EX_USAGE);
    }
}
