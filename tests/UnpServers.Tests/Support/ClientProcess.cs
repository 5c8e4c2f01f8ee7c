namespace UnpServers.Tests.Support;

/// <summary>
/// A client from bin/ with stdin, stdout and stderr as byte streams, for batch and
/// interactive tests. Dispose kills and reaps it.
/// </summary>
public sealed class ClientProcess : IDisposable
{
    private readonly Process _process;
    private readonly ProcessHandle? _handle;
    private readonly MemoryStream _stdout = new();
    private readonly Task _stdoutPump;
    private readonly Task<string> _stderr;

    public int Pid => _process.Id;

    private ClientProcess(Process p)
    {
        _process = p;
        _handle = ProcessHandle.OfOwnChild(p.Id);
        _stdoutPump = p.StandardOutput.BaseStream.CopyToAsync(_stdout);
        _stderr = p.StandardError.ReadToEndAsync();
    }

    public static ClientProcess Start(string program, params string[] args)
    {
        var psi = new ProcessStartInfo(Repo.Program(program))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args) psi.ArgumentList.Add(a);
        return new ClientProcess(Process.Start(psi)!);
    }

    public Stream Stdin => _process.StandardInput.BaseStream;

    public void Type(string text)
    {
        Stdin.Write(System.Text.Encoding.UTF8.GetBytes(text));
        Stdin.Flush();
    }

    public void CloseStdin() => _process.StandardInput.Close();

    /// <summary>What the client has written to stdout so far.</summary>
    public byte[] StdoutSoFar()
    {
        lock (_stdout) return _stdout.ToArray();
    }

    public string StdoutText => System.Text.Encoding.UTF8.GetString(StdoutSoFar());

    /// <summary>Waits for exit; then stdout and stderr are complete. Null on time-out.</summary>
    public int? WaitForExit(int timeoutMs)
    {
        if (!_process.WaitForExit(timeoutMs)) return null;
        _stdoutPump.Wait(5000);
        _stderr.Wait(5000);
        return _process.ExitCode;
    }

    public string Stderr => _stderr.IsCompleted ? _stderr.Result : "";

    public bool HasExited => _process.HasExited;

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _handle?.Signal(SIGKILL);
            _process.WaitForExit(5000);
        }
        _handle?.Dispose();
        _process.Dispose();
    }

    /// <summary>Runs a client with a file as stdin (like `echocli HOST &lt; in &gt; out`); returns exit code, stdout, stderr.</summary>
    public static (int Code, byte[] Stdout, string Stderr) Batch(string program, byte[] input, int timeoutMs, params string[] args)
    {
        using var c = Start(program, args);
        var feeder = Task.Run(() =>
        {
            try
            {
                c.Stdin.Write(input);
                c.CloseStdin();
            }
            catch (IOException) { /* the client exited early: its exit code tells why */ }
        });
        int? code = c.WaitForExit(timeoutMs);
        if (code == null) Assert.Fail($"{program} {string.Join(' ', args)} did not finish within {timeoutMs} ms");
        feeder.Wait(5000);
        return (code!.Value, c.StdoutSoFar(), c.Stderr);
    }
}
