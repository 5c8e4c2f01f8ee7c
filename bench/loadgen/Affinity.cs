using System.Runtime.InteropServices;

namespace UnpServers.Bench;

/// <summary>
/// The round trips run with the client thread and every thread of the server (its children's
/// too, and those it starts meanwhile, which inherit it) on one CPU. A loopback ping-pong costs
/// about 18 us when both ends wake on the same CPU and 3-4 times that when each wake-up crosses
/// to the other, and which of the two a run gets depends on the rest of the machine's load: on
/// a shared machine the p50 of a whole run flipped between them from round to round. On one CPU
/// both sides are measured on the same path. Dispose gives every thread the bench's CPUs back.
/// </summary>
public sealed class Affinity : IDisposable
{
    private const int MaskBytes = 128; // cpu_set_t: 1024 CPUs
    private static readonly byte[] s_all = Original();
    private readonly Server _server;

    [DllImport("libc", SetLastError = true)]
    private static extern int sched_setaffinity(int pid, nint cpusetsize, byte[] mask);

    [DllImport("libc", SetLastError = true)]
    private static extern int sched_getaffinity(int pid, nint cpusetsize, byte[] mask);

    private Affinity(Server server)
    {
        _server = server;
        int cpu = Enumerable.Range(0, MaskBytes * 8).First(c => (s_all[c / 8] >> (c % 8) & 1) != 0); // the first the bench may use
        var one = new byte[MaskBytes];
        one[cpu / 8] = (byte)(1 << (cpu % 8));
        Set(server, one);
    }

    /// <summary>This thread and the server's on one CPU until Dispose.</summary>
    public static Affinity OneCpu(Server server) => new(server);

    public void Dispose() => Set(_server, s_all);

    private static void Set(Server server, byte[] mask)
    {
        sched_setaffinity(0, MaskBytes, mask); // 0: the calling thread
        foreach (int pid in server.Children().Prepend(server.Pid))
            foreach (string task in Tasks(pid))
                if (int.TryParse(task, out int tid)) sched_setaffinity(tid, MaskBytes, mask); // a thread gone meanwhile: ESRCH, nothing to do
    }

    private static string[] Tasks(int pid)
    {
        try { return Directory.GetDirectories($"/proc/{pid}/task").Select(Path.GetFileName).OfType<string>().ToArray(); }
        catch (DirectoryNotFoundException) { return []; }
    }

    private static byte[] Original()
    {
        var mask = new byte[MaskBytes];
        if (sched_getaffinity(0, MaskBytes, mask) < 0) Array.Fill(mask, (byte)0xff); // then every CPU there is
        return mask;
    }
}
