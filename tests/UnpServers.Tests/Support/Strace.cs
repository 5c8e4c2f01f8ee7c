namespace UnpServers.Tests.Support;

/// <summary>
/// strace attached to a running process, to make its system calls fail on purpose (-e inject=...):
/// real failures, with no test hook in the product. `make test` installs strace. Dispose
/// detaches it (SIGTERM) and reaps it.
/// </summary>
public sealed class Strace : IDisposable
{
    private readonly Process _strace;

    /// <param name="options">strace's options before -p, e.g. "-e", "inject=accept4:error=EINVAL:when=1".</param>
    public Strace(int pid, params string[] options)
    {
        string? path = new[] { "/usr/bin/strace", "/bin/strace", "/usr/local/bin/strace" }.FirstOrDefault(File.Exists);
        if (path == null) Assert.Fail("strace is not installed: run `make test-deps` (as root)");
        var psi = new ProcessStartInfo(path!) { UseShellExecute = false, RedirectStandardError = true };
        foreach (string a in (string[])["-o", "/dev/null", .. options, "-p", pid.ToString()]) psi.ArgumentList.Add(a);
        _strace = Process.Start(psi)!;
        var attached = new ManualResetEventSlim();
        var said = new System.Text.StringBuilder();
        _strace.ErrorDataReceived += (_, e) =>
        {
            if (e.Data == null) return;
            lock (said) said.AppendLine(e.Data);
            if (e.Data.Contains($"Process {pid} attached")) attached.Set();
        };
        _strace.BeginErrorReadLine();
        if (!attached.Wait(10000))
        {
            Dispose();
            lock (said) Assert.Fail($"strace did not attach to {pid}: {said}");
        }
    }

    public void Dispose()
    {
        using (ProcessHandle? strace = ProcessHandle.OfOwnChild(_strace.Id))
        {
            strace?.Signal(SIGTERM); // strace detaches and exits
            if (!_strace.WaitForExit(5000))
            {
                strace?.Signal(SIGKILL);
                _strace.WaitForExit(5000);
            }
        }
        _strace.Dispose();
    }
}
