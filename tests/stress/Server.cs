using System.Diagnostics;
using System.Text.RegularExpressions;
using UnpServers.Interop;

namespace UnpServers.Stress;

/// <summary>The server under test: started on a free port, logging to a file; killed and reaped at the end.</summary>
public sealed partial class Server : IDisposable
{
    private readonly Process _process;
    public string LogPath { get; }
    public int Port { get; }
    public int Pid => _process.Id;

    private Server(Process process, string logPath, int port)
    {
        _process = process;
        LogPath = logPath;
        Port = port;
    }

    public static Server Start(string path, string extraArgs)
    {
        string log = Path.Combine(Path.GetTempPath(), $"unp-stress-{Environment.ProcessId}.log");
        File.Delete(log);
        var psi = new ProcessStartInfo(path) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { "--port", "0", "--log", log, "--max-children", "256" }
                     .Concat(extraArgs.Split(' ', StringSplitOptions.RemoveEmptyEntries)))
            psi.ArgumentList.Add(a);
        var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, e) => { if (e.Data != null) Console.Error.WriteLine("server: " + e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        long deadline = Environment.TickCount64 + 15000;
        while (Environment.TickCount64 < deadline && !p.HasExited)
        {
            if (File.Exists(log) && Listening().Match(File.ReadAllText(log)) is { Success: true } m)
                return new Server(p, log, int.Parse(m.Groups[1].Value));
            Thread.Sleep(20);
        }
        p.Kill();
        p.WaitForExit(5000);
        throw new InvalidOperationException($"{path} did not start listening within 15 s");
    }

    [GeneratedRegex(@"listening on \S+, port (\d+)")]
    private static partial Regex Listening();

    public bool HasExited => _process.HasExited;

    public int[] Children()
    {
        try
        {
            return File.ReadAllText($"/proc/{Pid}/task/{Pid}/children")
                       .Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
        }
        catch (IOException) { return []; }
    }

    public static char State(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2];
        }
        catch (IOException) { return '?'; }
    }

    public static int? ParentOf(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 4)..].Split(' ')[0]);
        }
        catch (IOException) { return null; }
    }

    public int FdCount() => Directory.GetFileSystemEntries($"/proc/{Pid}/fd").Length;

    public long RssKb()
    {
        string line = File.ReadAllLines($"/proc/{Pid}/status").First(l => l.StartsWith("VmRSS:"));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
    }

    public string[] LogLines()
    {
        using var fs = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var r = new StreamReader(fs);
        return r.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>SIGTERM, as a person stops it; returns the exit code and how long it took, or null.</summary>
    public (int Code, long Ms)? Stop(int timeoutMs)
    {
        var sw = Stopwatch.StartNew();
        LibC.kill(Pid, LibC.SIGTERM);
        return _process.WaitForExit(timeoutMs) ? (_process.ExitCode, sw.ElapsedMilliseconds) : null;
    }

    public void Dispose()
    {
        int[] kids = HasExited ? [] : Children();
        foreach (int k in kids) LibC.kill(k, LibC.SIGKILL);
        if (!HasExited) _process.Kill();
        _process.WaitForExit(5000);
        long deadline = Environment.TickCount64 + 3000;
        var left = kids.ToList();
        while (left.Count > 0 && Environment.TickCount64 < deadline)
        {
            left.RemoveAll(pid => LibC.waitpid(pid, out _, LibC.WNOHANG) == pid || !Directory.Exists($"/proc/{pid}"));
            Thread.Sleep(10);
        }
        try { File.Delete(LogPath); } catch (IOException) { }
    }
}
