using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using UnpServers.Testing;

namespace UnpServers.Bench;

/// <summary>
/// A server under test on a free port, started and stopped by the shared harness
/// (UnpServers.Testing). Dispose kills it and reaps everything it started.
/// </summary>
public sealed class Server : IDisposable
{
    private readonly ServerProcess _process;
    public string Name { get; }
    public int Port => _process.Port;
    public int Pid => _process.Pid;

    private Server(string name, ServerProcess process)
    {
        Name = name;
        _process = process;
    }

    /// <summary>Starts the C server ("c") or ours (with extra arguments; maxChildren 0: not given); returns once it listens.</summary>
    public static Server Start(string name, string path, int maxChildren, params string[] extra)
    {
        path = Path.GetFullPath(path);
        Action<string> stderr = line => Console.Error.WriteLine($"{name}: {line}");
        string log = Path.Combine(Path.GetTempPath(), $"unp-bench-{Environment.ProcessId}-{Guid.NewGuid():N}.log");
        string[] args = [.. extra, .. maxChildren > 0 ? ["--max-children", maxChildren.ToString()] : Array.Empty<string>()];
        // The C reference takes its port as argv[1] and prints its listening line on stdout.
        return new Server(name, name == "c"
            ? ServerProcess.StartExactly(path, ["0"], log, logToStdout: true, timeoutMs: 15000, onStderr: stderr)
            : ServerProcess.Start(path, args, logPath: log, timeoutMs: 15000, onStderr: stderr));
    }

    public int[] Children() => _process.Children();

    /// <summary>Private_Clean + Private_Dirty of a process, in KiB: the memory only it uses.</summary>
    public static long PrivateKiB(int pid) => ProcFs.PrivateKiB(pid);

    public static Socket Connect(int port)
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveTimeout = 30000, SendTimeout = 30000 };
        s.Connect(new IPEndPoint(IPAddress.Loopback, port));
        return s;
    }

    public void Dispose() => _process.Dispose();

    /// <summary>
    /// Kills a server started without the harness (the start-up timing) and its children.
    /// Children its death orphans come to this process (a child subreaper, set in Program)
    /// and are reaped here: PID 1 here reaps nothing.
    /// </summary>
    public static void KillAndReap(Process p) => ServerProcess.KillAndReap(p);
}
