using System.Net;
using System.Net.Sockets;
using UnpServers.Testing;

namespace UnpServers.Bench;

/// <summary>What stops the bench: one line for the user (a server that did not start, a wrong echo), no stack trace.</summary>
public sealed class BenchException(string message) : Exception(message);

/// <summary>
/// A server under test on a free port, started and stopped by the shared harness
/// (UnpServers.Testing): echosrv or a C twin, both as `PROGRAM --port 0 --log FILE ARGS`.
/// Dispose kills it and reaps everything it started.
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

    /// <summary>Starts it and returns once it listens; a BenchException, one line, if it does not.</summary>
    public static Server Start(string name, string path, params string[] args)
    {
        path = Path.GetFullPath(path);
        Action<string> stderr = line => Console.Error.WriteLine($"{name}: {line}");
        string log = Path.Combine(Path.GetTempPath(), $"unp-bench-{Environment.ProcessId}-{Guid.NewGuid():N}.log");
        try
        {
            return new Server(name, ServerProcess.Start(path, args, logPath: log, timeoutMs: 15000, onStderr: stderr));
        }
        catch (InvalidOperationException e)
        {
            throw new BenchException($"{name} did not start: {string.Join(' ', [path, .. args])}: {Why(e.Message)}");
        }
    }

    /// <summary>
    /// The harness's message is "PROGRAM exited with status N before it listened." then the log
    /// and stderr: the first line and what the server last said (its own one-line error).
    /// </summary>
    private static string Why(string message)
    {
        string[] lines = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string said = lines.Skip(1).LastOrDefault(l => l is not ("log:" or "stderr:")) ?? "";
        string first = lines.FirstOrDefault() ?? "";
        first = first[(first.IndexOf(' ') + 1)..].TrimEnd('.'); // "exited with status 1 before it listened"
        return said.Length > 0 ? $"{first}; it said: {said}" : first;
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

    /// <summary>A port free now, for a program the bench starts on a port of its choosing (start-up).</summary>
    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
