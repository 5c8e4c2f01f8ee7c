using System.Diagnostics;
using System.Text.RegularExpressions;

namespace UnpServers.Testing;

/// <summary>
/// A server on an ephemeral loopback port, logging to a file of its own, found by the
/// "listening on ..., port N, pid P" line of that log. Dispose kills it and every child it
/// has, and reaps them all, even when whoever started it failed.
/// </summary>
public sealed partial class ServerProcess : IDisposable
{
    private readonly Process _process;
    /// <summary>Null if the server was gone before it could be opened (it then has no children to kill either).</summary>
    private readonly ProcessHandle? _handle;
    /// <summary>Every child seen and not known to be reaped, each checked to be the server's child when its pidfd was opened.</summary>
    private readonly List<ProcessHandle> _seenChildren = [];
    private readonly Action<string>? _onStderr;

    public string LogPath { get; }
    public int Port { get; private set; }
    public int Pid => _process.Id;
    public string StdErr => _stderr.ToString();
    private readonly System.Text.StringBuilder _stderr = new();

    private ServerProcess(Process process, string logPath, Action<string>? onStderr)
    {
        _process = process;
        _handle = ProcessHandle.OfOwnChild(process.Id);
        LogPath = logPath;
        _onStderr = onStderr;
    }

    /// <summary>One of our servers: `--port 0 --log FILE` (with logToStdout, `--port 0`), then args.</summary>
    /// <param name="program">A path (bin/echosrv), or a name without a slash: a program of the repository's bin/ (echosrv).</param>
    /// <param name="logToStdout">No --log: the server logs to stdout and stderr; its stdout is written to the log file.</param>
    /// <param name="logPath">The --log file (deleted at Dispose); by default a new one in the temporary directory.</param>
    /// <param name="onStderr">Called with each line the server writes on stderr (StdErr keeps them all too).</param>
    public static ServerProcess Start(string program, IEnumerable<string> args, IDictionary<string, string>? env = null, bool logToStdout = false,
                                      string? logPath = null, int timeoutMs = 10000, Action<string>? onStderr = null)
    {
        string log = logPath ?? Path.Combine(Path.GetTempPath(), $"unp-{Path.GetFileName(program)}-{Guid.NewGuid():N}.log");
        string[] own = logToStdout ? ["--port", "0"] : ["--port", "0", "--log", log];
        return StartExactly(program, [.. own, .. args], log, logToStdout, env, timeoutMs, onStderr);
    }

    public static ServerProcess StartEcho(params string[] args) => Start("echosrv", args);

    /// <summary>
    /// Any server, with exactly argv (logToStdout: one that prints its listening line on stdout,
    /// which is copied to logPath). Returns once the log shows it listening;
    /// an InvalidOperationException, with the log and stderr, if it does not.
    /// </summary>
    public static ServerProcess StartExactly(string program, IEnumerable<string> argv, string logPath, bool logToStdout,
                                             IDictionary<string, string>? env = null, int timeoutMs = 10000, Action<string>? onStderr = null)
    {
        var psi = new ProcessStartInfo(program.Contains('/') ? Path.GetFullPath(program) : Repo.Program(program))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in argv) psi.ArgumentList.Add(a);
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        var p = Process.Start(psi)!;
        var server = new ServerProcess(p, logPath, onStderr);
        p.ErrorDataReceived += (_, e) => server.StderrLine(e.Data);
        p.OutputDataReceived += (_, e) => { if (logToStdout && e.Data != null) lock (server._stderr) File.AppendAllText(logPath, e.Data + "\n"); };
        p.BeginErrorReadLine();
        p.BeginOutputReadLine();
        try
        {
            Match m;
            try { m = server.WaitForLog(ListeningLine(), timeoutMs); }
            catch (TimeoutException)
            {
                string why = p.WaitForExit(2000) ? $"exited with status {p.ExitCode} before it listened" : $"did not listen within {timeoutMs} ms";
                throw new ServerStartException(program, why, server.Log, server.StdErr);
            }
            server.Port = int.Parse(m.Groups[1].Value);
            if (int.Parse(m.Groups[2].Value) != p.Id)
                throw new InvalidOperationException($"the server re-executes itself in place: same pid, {p.Id}; its log says: {m.Value}");
        }
        catch
        {
            server.Dispose();
            throw;
        }
        return server;
    }

    private void StderrLine(string? line)
    {
        if (line == null) return;
        lock (_stderr) _stderr.AppendLine(line);
        _onStderr?.Invoke(line);
    }

    /// <summary>Ours say "listening on ADDR, port N, pid P"; the C reference "listening on port N, pid P".</summary>
    [GeneratedRegex(@"listening on (?:\S+, )?port (\d+), pid (\d+)")]
    private static partial Regex ListeningLine();

    public string[] LogLines()
    {
        try
        {
            using var fs = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var r = new StreamReader(fs);
            string text = r.ReadToEnd();
            // A line the server is still writing is not a line yet ("exit status " without its 1).
            if (!_process.HasExited) text = text[..(text.LastIndexOf('\n') + 1)];
            return text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (FileNotFoundException) { return []; }
    }

    public string Log => string.Join('\n', LogLines());

    /// <summary>The first log line matching pattern, waiting for it; a TimeoutException, with the log and stderr, if none comes.</summary>
    public Match WaitForLog(Regex pattern, int timeoutMs)
    {
        Match? found = null;
        Wait.Until(() =>
        {
            found = LogLines().Select(l => pattern.Match(l)).FirstOrDefault(m => m.Success);
            return found != null || _process.HasExited;
        }, timeoutMs);
        if (found == null)
            throw new TimeoutException($"no log line matching /{pattern}/ within {timeoutMs} ms (exited: {_process.HasExited}).\nlog:\n{Log}\nstderr:\n{StdErr}");
        return found;
    }

    public int CountLog(Regex pattern) => LogLines().Count(l => pattern.IsMatch(l));

    /// <summary>The server's children now (zombies included); each is remembered, so Dispose kills it even if the server is gone by then.</summary>
    public int[] Children()
    {
        int[] kids = ProcFs.Children(Pid);
        lock (_seenChildren)
        {
            // Forget the children no longer listed that have been reaped since: a soak sees
            // thousands, and each handle holds a descriptor.
            var listed = kids.ToHashSet();
            _seenChildren.RemoveAll(h =>
            {
                if (listed.Contains(h.Pid) || h.Exists) return false;
                h.Dispose();
                return true;
            });
        }
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
            if (h != null)
            {
                _seenChildren.Remove(h); // reaped: the pid is someone else's now
                h.Dispose();
            }
            h = ProcessHandle.OfChild(pid, Pid);
            if (h != null) _seenChildren.Add(h);
            return h;
        }
    }

    public bool HasExited => _process.HasExited;

    public void Signal(int sig) => _handle?.Signal(sig);

    /// <summary>Signals one of the server's children; false if pid is not one (any more).</summary>
    public bool TrySignalChild(int pid, int sig) => ChildHandle(pid)?.Signal(sig) == true;

    /// <summary>
    /// Waits for the server to exit, then for its stdout and stderr to be read to the end: a
    /// server that exits within milliseconds leaves lines the handlers have not yet written.
    /// The second wait is bounded, since a child that outlives the server holds them open.
    /// Its exit code, or null on time-out.
    /// </summary>
    public int? WaitForExit(int timeoutMs)
    {
        if (!_process.WaitForExit(timeoutMs)) return null;
        using var drained = new CancellationTokenSource(DrainMs);
        try { _process.WaitForExitAsync(drained.Token).Wait(); }
        catch (AggregateException) { } // still open: a child has them
        return _process.ExitCode;
    }

    private const int DrainMs = 2000;

    /// <summary>SIGTERM, as a person stops it; the exit code and how long it took, or null on time-out.</summary>
    public (int Code, long Ms)? Stop(int timeoutMs)
    {
        var sw = Stopwatch.StartNew();
        Signal(SIGTERM);
        return WaitForExit(timeoutMs) is int code ? (code, sw.ElapsedMilliseconds) : null;
    }

    public void Dispose()
    {
        if (!_process.HasExited) Children();
        ProcessHandle[] kids;
        lock (_seenChildren)
        {
            kids = [.. _seenChildren];
            _seenChildren.Clear();
        }
        KillAndReap(_process, _handle, kids);
        _handle?.Dispose();
        _process.Dispose();
        try { File.Delete(LogPath); } catch (IOException) { }
    }

    /// <summary>Kills a server this process started without the harness, and its children, and reaps them all.</summary>
    public static void KillAndReap(Process server)
    {
        using ProcessHandle? self = ProcessHandle.OfOwnChild(server.Id);
        ProcessHandle[] kids = self == null ? [] : [.. ProcFs.Children(server.Id).Select(k => ProcessHandle.OfChild(k, server.Id)).OfType<ProcessHandle>()];
        KillAndReap(server, self, kids);
    }

    private static void KillAndReap(Process server, ProcessHandle? self, ProcessHandle[] kids)
    {
        // Children first, so none outlives the server unkilled; then the server. Children the
        // server did not reap come back to this process (the subreaper) and are reaped here.
        foreach (ProcessHandle k in kids) k.Signal(SIGKILL);
        self?.Signal(SIGKILL);
        server.WaitForExit(5000); // Process reaps the server itself
        Reaping.KillAndReap(kids, 3000);
    }
}

/// <summary>A server that did not listen: the message has its log and stderr; Reason, one line for a person.</summary>
public sealed class ServerStartException(string program, string why, string log, string stderr)
    : InvalidOperationException($"{program} {why}.\nlog:\n{log}\nstderr:\n{stderr}")
{
    /// <summary>"exited with status 1 before it listened; it said: LINE", the server's last line of its own.</summary>
    public string Reason { get; } = Said(log, stderr) is string said ? $"{why}; it said: {said}" : why;

    private static string? Said(string log, string stderr)
        => $"{log}\n{stderr}".Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
}
