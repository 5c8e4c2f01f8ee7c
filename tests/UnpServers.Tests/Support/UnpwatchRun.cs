namespace UnpServers.Tests.Support;

/// <summary>
/// unpwatch running in the background: with --events FILE (read as it grows), or on a pty of
/// script(1), whose output is kept and whose keyboard is Type. Dispose kills and reaps it (and
/// script, and the shell between them), even when the test failed.
/// </summary>
public sealed class UnpwatchRun : IDisposable
{
    private readonly Process _process;
    private readonly ProcessHandle? _handle;
    private readonly StringBuilder _out = new();
    private readonly string _dir;

    public string EventsPath => Path.Combine(_dir, "events");
    public int Pid => _process.Id;

    private UnpwatchRun(string dir, ProcessStartInfo psi)
    {
        _dir = dir;
        psi.RedirectStandardInput = psi.RedirectStandardOutput = psi.RedirectStandardError = true;
        psi.UseShellExecute = false;
        _process = Process.Start(psi)!;
        _handle = ProcessHandle.OfOwnChild(_process.Id);
        // Read as it comes, not by lines: a full-screen frame has none.
        _pumps = [Pump(_process.StandardOutput.BaseStream), Pump(_process.StandardError.BaseStream)];
    }

    private readonly Task[] _pumps;

    private Task Pump(Stream s) => Task.Run(() =>
    {
        var decoder = Encoding.UTF8.GetDecoder();
        byte[] buf = new byte[8192];
        char[] chars = new char[8192];
        for (int n; (n = s.Read(buf)) > 0;)
        {
            int c = decoder.GetChars(buf, 0, n, chars, 0);
            lock (_out) _out.Append(chars, 0, c);
        }
    });

    /// <summary>unpwatch ARGS --events FILE, its stdout a pipe (plain text).</summary>
    public static UnpwatchRun WithEvents(params string[] args)
    {
        string dir = NewDirectory();
        var psi = new ProcessStartInfo(Repo.Program("unpwatch"));
        foreach (string a in (string[])[.. args, "--events", Path.Combine(dir, "events")]) psi.ArgumentList.Add(a);
        return new UnpwatchRun(dir, psi);
    }

    /// <summary>
    /// sh -c SCRIPT on a pty (script -qfec), with $UNPWATCH the program and $DIR a scratch
    /// directory; TERM=xterm, so the view is full screen.
    /// </summary>
    public static UnpwatchRun OnPty(string shellScript)
    {
        var psi = new ProcessStartInfo("script");
        foreach (string a in (string[])["-qfec", shellScript, "/dev/null"]) psi.ArgumentList.Add(a);
        psi.Environment["TERM"] = "xterm";
        psi.Environment["SHELL"] = "/bin/sh";
        psi.Environment.Remove("NO_COLOR");
        psi.Environment["UNPWATCH"] = Repo.Program("unpwatch");
        string dir = NewDirectory();
        psi.Environment["DIR"] = dir;
        return new UnpwatchRun(dir, psi);
    }

    private static string NewDirectory() => Directory.CreateTempSubdirectory("unpwatch-test.").FullName;

    /// <summary>What it wrote so far (stdout and stderr; on a pty, the escape codes too).</summary>
    public string Output
    {
        get { lock (_out) return _out.ToString(); }
    }

    public string Events => File.Exists(EventsPath) ? File.ReadAllText(EventsPath) : "";

    public string[] EventLines => Events.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public bool WaitForOutput(string text, int timeoutMs = 15000) => Wait.Until(() => Output.Contains(text), timeoutMs);

    public bool WaitForEvent(string text, int timeoutMs = 15000) => Wait.Until(() => Events.Contains(text), timeoutMs);

    public void Type(string keys)
    {
        _process.StandardInput.Write(keys);
        _process.StandardInput.Flush();
    }

    public void Signal(int sig) => _handle?.Signal(sig);

    /// <summary>
    /// Lets a pty script's `until [ -e "$DIR/name" ]` loop go on: the test steps the script once
    /// it has seen what it waits for, instead of the script sleeping a guess.
    /// </summary>
    public void Go(string name) => File.WriteAllText(Path.Combine(_dir, name), "");

    public int? WaitForExit(int timeoutMs)
    {
        if (!_process.WaitForExit(timeoutMs)) return null;
        Task.WaitAll(_pumps, 5000); // the output read to its end
        return _process.ExitCode;
    }

    public void Dispose()
    {
        // On a pty: unpwatch and the shell above it first (script's death hangs the pty up, but do not count on it).
        var below = new List<ProcessHandle>();
        for (int parent = _process.Id, depth = 0; depth < 3; depth++)
        {
            int[] kids = ProcFs.Children(parent);
            if (kids.Length == 0) break;
            if (ProcessHandle.OfChild(kids[0], parent) is ProcessHandle h) below.Add(h);
            parent = kids[0];
        }
        foreach (ProcessHandle h in below) h.Signal(SIGKILL);
        if (!_process.HasExited)
        {
            _handle?.Signal(SIGKILL);
            _process.WaitForExit(5000);
        }
        Reaping.KillAndReap(below);
        _handle?.Dispose();
        _process.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
