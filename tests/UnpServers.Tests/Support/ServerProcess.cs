using System.Diagnostics;
using System.Text.RegularExpressions;
using UnpServers.Interop;

namespace UnpServers.Tests.Support;

/// <summary>
/// A server from bin/ on an ephemeral loopback port, logging to a file of its own.
/// Dispose kills it and every child it has, and reaps them all, even when a test fails.
/// </summary>
public sealed partial class ServerProcess : IDisposable
{
    private readonly Process _process;
    /// <summary>Null if the server was gone before it could be opened (it then has no children to kill either).</summary>
    private readonly ProcessHandle? _handle;
    /// <summary>Every child seen, each checked to be the server's child when its pidfd was opened.</summary>
    private readonly List<ProcessHandle> _seenChildren = [];

    public string LogPath { get; }
    public int Port { get; private set; }
    public int Pid => _process.Id;
    public string StdErr => _stderr.ToString();
    private readonly System.Text.StringBuilder _stderr = new();

    private ServerProcess(Process process, string logPath)
    {
        _process = process;
        _handle = ProcessHandle.OfOwnChild(process.Id);
        LogPath = logPath;
    }

    /// <param name="logToStdout">No --log: the server logs to stdout and stderr, which are captured into the same file.</param>
    /// <param name="logPath">The --log file (deleted at Dispose); by default a new one in the temporary directory.</param>
    public static ServerProcess Start(string program, IEnumerable<string> args, IDictionary<string, string>? env = null, bool logToStdout = false, string? logPath = null)
    {
        string log = logPath ?? Path.Combine(Path.GetTempPath(), $"unp-{program}-{Guid.NewGuid():N}.log");
        var psi = new ProcessStartInfo(Repo.Program(program))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in (logToStdout ? ["--port", "0"] : new[] { "--port", "0", "--log", log }).Concat(args)) psi.ArgumentList.Add(a);
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        var p = Process.Start(psi)!;
        var server = new ServerProcess(p, log);
        p.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (server._stderr) server._stderr.AppendLine(e.Data); };
        p.OutputDataReceived += (_, e) => { if (logToStdout && e.Data != null) lock (server._stderr) File.AppendAllText(log, e.Data + "\n"); };
        p.BeginErrorReadLine();
        p.BeginOutputReadLine();
        try
        {
            Match m = server.WaitForLog(ListeningLine(), 10000);
            server.Port = int.Parse(m.Groups[1].Value);
            Assert.That(int.Parse(m.Groups[2].Value), Is.EqualTo(p.Id), "the server re-executes itself in place: same pid");
        }
        catch
        {
            server.Dispose();
            throw;
        }
        return server;
    }

    public static ServerProcess StartEcho(params string[] args) => Start("echosrv", args);

    [GeneratedRegex(@"listening on \S+, port (\d+), pid (\d+)")]
    private static partial Regex ListeningLine();

    public string[] LogLines()
    {
        try
        {
            using var fs = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var r = new StreamReader(fs);
            return r.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (FileNotFoundException) { return []; }
    }

    public string Log => string.Join('\n', LogLines());

    public Match WaitForLog(Regex pattern, int timeoutMs)
    {
        Match? found = null;
        bool ok = Wait.Until(() =>
        {
            found = LogLines().Select(l => pattern.Match(l)).FirstOrDefault(m => m.Success);
            return found != null || _process.HasExited;
        }, timeoutMs);
        if (found == null)
            Assert.Fail($"no log line matching /{pattern}/ within {timeoutMs} ms (exited: {_process.HasExited}).\nlog:\n{Log}\nstderr:\n{StdErr}");
        return found!;
    }

    public int CountLog(Regex pattern) => LogLines().Count(l => pattern.IsMatch(l));

    public int[] Children()
    {
        int[] kids = ProcFs.Children(Pid);
        foreach (int k in kids) ChildHandle(k);
        return kids;
    }

    /// <summary>A handle on pid if it is this server's child (now, or when first seen and not reaped since).</summary>
    private ProcessHandle? ChildHandle(int pid)
    {
        lock (_seenChildren)
        {
            ProcessHandle? h = _seenChildren.LastOrDefault(c => c.Pid == pid);
            if (h != null && h.Exists) return h;
            h = ProcessHandle.OfChild(pid, Pid);
            if (h != null) _seenChildren.Add(h);
            return h;
        }
    }

    public bool HasExited => _process.HasExited;

    public void Signal(int sig) => _handle?.Signal(sig);

    /// <summary>Signals one of the server's children; fails the test if pid is not one (any more).</summary>
    public void SignalChild(int pid, int sig)
    {
        if (ChildHandle(pid)?.Signal(sig) != true) Assert.Fail($"pid {pid} is not a child of the server {Pid}");
    }

    /// <summary>Waits for the server to exit; its exit code, or null on time-out.</summary>
    public int? WaitForExit(int timeoutMs) => _process.WaitForExit(timeoutMs) ? _process.ExitCode : null;

    public void Dispose()
    {
        // Children first, so none outlives the server unkilled; then the server. Children the
        // server did not reap come back to this process (the subreaper) and are reaped here.
        if (!_process.HasExited) Children();
        ProcessHandle[] kids;
        lock (_seenChildren) kids = [.. _seenChildren];
        foreach (ProcessHandle k in kids) k.Signal(LibC.SIGKILL);
        _handle?.Signal(LibC.SIGKILL);
        _process.WaitForExit(5000); // Process reaps the server itself
        Reaping.KillAndReap(kids, 3000);
        _handle?.Dispose();
        _process.Dispose();
        try { File.Delete(LogPath); } catch (IOException) { }
    }
}
