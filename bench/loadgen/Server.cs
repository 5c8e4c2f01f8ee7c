using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using UnpServers.Interop;

namespace UnpServers.Bench;

/// <summary>A server under test on a free port. Dispose stops it and reaps everything it started.</summary>
public sealed partial class Server : IDisposable
{
    private readonly Process _process;
    private readonly string? _log;
    public string Name { get; }
    public int Port { get; }
    public int Pid => _process.Id;

    private Server(string name, Process p, int port, string? log)
    {
        Name = name;
        _process = p;
        Port = port;
        _log = log;
    }

    [GeneratedRegex(@"port (\d+)")]
    private static partial Regex PortRegex();

    /// <summary>Starts the C server ("c") or ours (with extra arguments; maxChildren 0: not given); returns once it listens.</summary>
    public static Server Start(string name, string path, int maxChildren, params string[] extra)
    {
        var psi = new ProcessStartInfo(path) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        string? log = null;
        if (name == "c")
        {
            psi.ArgumentList.Add("0");
        }
        else
        {
            log = Path.Combine(Path.GetTempPath(), $"unp-bench-{Environment.ProcessId}-{Guid.NewGuid():N}.log");
            foreach (string a in extra.Concat(["--port", "0", "--log", log]).Concat(maxChildren > 0 ? ["--max-children", maxChildren.ToString()] : [])) psi.ArgumentList.Add(a);
        }
        var p = Process.Start(psi)!;
        p.ErrorDataReceived += (_, e) => { if (e.Data != null) Console.Error.WriteLine($"{name}: {e.Data}"); };
        p.BeginErrorReadLine();
        string? first = log == null ? p.StandardOutput.ReadLine() : WaitForFirstLine(log, p);
        if (log != null) p.StandardOutput.Close();
        var m = first == null ? null : PortRegex().Match(first);
        if (m is not { Success: true })
        {
            if (!p.HasExited) p.Kill();
            p.WaitForExit(5000);
            throw new InvalidOperationException($"{path} did not start: {first}");
        }
        return new Server(name, p, int.Parse(m.Groups[1].Value), log);
    }

    private static string? WaitForFirstLine(string log, Process p)
    {
        long deadline = Environment.TickCount64 + 15000;
        while (Environment.TickCount64 < deadline && !p.HasExited)
        {
            // The "listening on" line; as root a warning about --user comes first.
            if (File.Exists(log) && File.ReadAllText(log).Split('\n')[..^1].FirstOrDefault(l => PortRegex().IsMatch(l)) is string line) return line;
            Thread.Sleep(5);
        }
        return null;
    }

    public int[] Children()
    {
        try
        {
            return File.ReadAllText($"/proc/{Pid}/task/{Pid}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
        }
        catch (IOException) { return []; }
    }

    /// <summary>Private_Clean + Private_Dirty of a process, in KiB: the memory only it uses.</summary>
    public static long PrivateKiB(int pid)
    {
        long kib = 0;
        foreach (string line in File.ReadLines($"/proc/{pid}/smaps_rollup"))
            if (line.StartsWith("Private_Clean:") || line.StartsWith("Private_Dirty:"))
                kib += long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        return kib;
    }

    public static Socket Connect(int port)
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveTimeout = 30000, SendTimeout = 30000 };
        s.Connect(new IPEndPoint(IPAddress.Loopback, port));
        return s;
    }

    public void Dispose()
    {
        KillAndReap(_process);
        _process.Dispose();
        if (_log != null) File.Delete(_log);
    }

    /// <summary>
    /// Kills a server and its children. Children its death orphans come to this process
    /// (a child subreaper, set in Program) and are reaped here: PID 1 here reaps nothing.
    /// </summary>
    public static void KillAndReap(Process p)
    {
        int[] kids = [];
        if (!p.HasExited)
        {
            try { kids = File.ReadAllText($"/proc/{p.Id}/task/{p.Id}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray(); }
            catch (IOException) { }
        }
        foreach (int k in kids) LibC.kill(k, LibC.SIGKILL);
        if (!p.HasExited) LibC.kill(p.Id, LibC.SIGKILL);
        p.WaitForExit(5000);
        long deadline = Environment.TickCount64 + 3000;
        var left = kids.ToList();
        while (left.Count > 0 && Environment.TickCount64 < deadline)
        {
            left.RemoveAll(k => LibC.waitpid(k, out _, LibC.WNOHANG) == k || !Directory.Exists($"/proc/{k}"));
            if (left.Count > 0) Thread.Sleep(5);
        }
    }
}
