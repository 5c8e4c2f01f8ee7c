namespace UnpServers.Tests;

/// <summary>
/// --reap ignore: the kernel reaps the children, so a child's pid can name another process
/// before the server notices. The server tracks its children by pidfd and must never
/// signal the process that took over a pid.
/// </summary>
[TestFixture]
public class PidReuseTests
{
    private string _dir = "", _settid = "";

    /// <summary>Support/settid.c, compiled with the gcc the build needs anyway.</summary>
    [OneTimeSetUp]
    public void CompileSettid()
    {
        _dir = Directory.CreateTempSubdirectory("unp-settid.").FullName;
        _settid = Path.Combine(_dir, "settid");
        var gcc = Run.Command("gcc", ["-O2", "-Wall", "-Werror", "-o", _settid, Path.Combine(Repo.Root, "tests/UnpServers.Tests/Support/settid.c")], timeoutMs: 60000);
        Assert.That(gcc.ExitCode, Is.EqualTo(0), gcc.StdErr);
    }

    [OneTimeTearDown]
    public void RemoveSettid() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void StoppingDoesNotSignalAProcessThatReusedAChildsPid()
    {
        if (LibC.geteuid() != 0) Assert.Ignore("choosing a pid (clone3's set_tid) needs root");
        using var server = ServerProcess.StartEcho("--reap", "ignore");
        using var s = Loopback.Connect(server.Port);
        Assert.That(TestSocket.Line(s, "hello"), Is.EqualTo("hello\n"));
        int child = server.Children().Single();

        // The server stopped, its child killed (and reaped by the kernel): the server has not yet seen it go.
        server.Signal(SIGSTOP);
        Stranger? stranger = null;
        try
        {
            Assert.That(Wait.Until(() => ProcFs.State(server.Pid) == 'T', 5000), Is.True);
            using (ProcessHandle? h = ProcessHandle.OfChild(child, server.Pid)) Assert.That(h?.Signal(SIGKILL), Is.True, "the server's child");
            Assert.That(Wait.Until(() => !ProcFs.Exists(child), 5000), Is.True, "the kernel reaps the child");

            // Another process takes the pid: clone3's set_tid gives it exactly that one.
            stranger = new Stranger(_settid, child);
            if (stranger.Pid != child) Assert.Inconclusive($"pid {child} could not be reused (another process took it first)");

            server.Signal(SIGTERM);
            server.Signal(SIGCONT);
            Assert.That(server.WaitForExit(10000), Is.EqualTo(0), server.Log);
            // A sleep that was sent SIGTERM dies on its way back to sleeping; one that was not reaches 'S'.
            Wait.Until(() => !ProcFs.Exists(child) || ProcFs.State(child) == 'S', 5000);
            Assert.That(ProcFs.Exists(child) ? ProcFs.State(child) : '-', Is.EqualTo('S'), $"the process now called {child} was not signalled\n{server.Log}");
        }
        finally
        {
            server.Signal(SIGCONT);
            stranger?.Dispose();
        }
    }

    /// <summary>`sleep 60` as pid wanted, started by settid, which waits for it; Pid is 0 if the pid was taken.</summary>
    private sealed class Stranger : IDisposable
    {
        private readonly System.Diagnostics.Process _settid;
        public int Pid { get; }

        public Stranger(string settid, int wanted)
        {
            var psi = new System.Diagnostics.ProcessStartInfo(settid) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string a in (string[])[wanted.ToString(), "sleep", "60"]) psi.ArgumentList.Add(a);
            _settid = System.Diagnostics.Process.Start(psi)!;
            var line = _settid.StandardOutput.ReadLineAsync();
            if (line.Wait(5000) && int.TryParse(line.Result, out int pid)) Pid = pid;
        }

        /// <summary>Kills the sleep only after checking that it is still settid's child; then settid ends.</summary>
        public void Dispose()
        {
            using (ProcessHandle? sleep = ProcessHandle.OfChild(Pid, _settid.Id)) sleep?.Signal(SIGKILL);
            if (!_settid.WaitForExit(5000)) _settid.Kill(entireProcessTree: true);
            _settid.WaitForExit(5000);
            _settid.Dispose();
        }
    }
}
