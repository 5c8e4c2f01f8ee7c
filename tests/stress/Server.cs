using UnpServers.Testing;

namespace UnpServers.Stress;

/// <summary>
/// The server under test, started and stopped by the shared harness (UnpServers.Testing):
/// on a free port, logging to a file; killed and reaped with its children at the end.
/// What the soak reads of it from /proc is named here as Soak uses it.
/// </summary>
public sealed class Server : IDisposable
{
    private readonly ServerProcess _process;
    public string LogPath => _process.LogPath;
    public int Port => _process.Port;
    public int Pid => _process.Pid;

    private Server(ServerProcess process) => _process = process;

    public static Server Start(string path, string extraArgs)
    {
        string log = Path.Combine(Path.GetTempPath(), $"unp-stress-{Environment.ProcessId}.log");
        File.Delete(log);
        string[] args = extraArgs.Split(' ', StringSplitOptions.RemoveEmptyEntries); // no --max-children: the pre-forked designs refuse it
        return new Server(ServerProcess.Start(Path.GetFullPath(path), args, logPath: log, timeoutMs: 15000,
                                              onStderr: line => Console.Error.WriteLine("server: " + line)));
    }

    public bool HasExited => _process.HasExited;
    public int[] Children() => _process.Children();
    public static char State(int pid) => ProcFs.State(pid);
    public static int? ParentOf(int pid) => ProcFs.ParentOf(pid);
    public int FdCount() => ProcFs.FdCount(Pid);
    public long RssKb() => ProcFs.RssKb(Pid);
    public string[] LogLines() => _process.LogLines();

    /// <summary>SIGTERM, as a person stops it; returns the exit code and how long it took, or null.</summary>
    public (int Code, long Ms)? Stop(int timeoutMs) => _process.Stop(timeoutMs);

    public void Dispose() => _process.Dispose();
}
