namespace UnpServers.Tests;

/// <summary>
/// --reap ignore: the kernel reaps the children, so a child's pid can name another process
/// before the server notices. The server tracks its children by pidfd and must never
/// signal the process that took over a pid.
/// </summary>
[TestFixture]
public class PidReuseTests
{
    private const string LastPid = "/proc/sys/kernel/ns_last_pid";

    [Test]
    public void StoppingDoesNotSignalAProcessThatReusedAChildsPid()
    {
        if (LibC.geteuid() != 0) Assert.Ignore($"writing {LastPid} needs root");
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

            // Another process takes the pid: ns_last_pid makes it the next one allocated.
            for (int attempt = 0; attempt < 50 && stranger?.Pid != child; attempt++)
            {
                stranger?.Dispose();
                stranger = new Stranger(child - 1);
            }
            if (stranger?.Pid != child) Assert.Inconclusive($"pid {child} could not be reused (other processes took it first)");

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

    /// <summary>
    /// `sleep 60`, started by a bash that writes ns_last_pid first and then waits for it:
    /// the sleep gets the pid after lastPid, unless another process on the machine took it.
    /// </summary>
    private sealed class Stranger : IDisposable
    {
        private readonly System.Diagnostics.Process _bash;
        public int Pid { get; }

        public Stranger(int lastPid)
        {
            var psi = new System.Diagnostics.ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardOutput = true };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add($"echo {lastPid} > {LastPid} && {{ sleep 60 & echo $!; wait; }}");
            _bash = System.Diagnostics.Process.Start(psi)!;
            var line = _bash.StandardOutput.ReadLineAsync();
            if (!line.Wait(5000) || !int.TryParse(line.Result, out int pid))
            {
                Dispose();
                Assert.Fail("bash did not start sleep");
            }
            Pid = int.Parse(line.Result!);
        }

        /// <summary>Kills the sleep only after checking that it is still our bash's child; then bash ends.</summary>
        public void Dispose()
        {
            using (ProcessHandle? sleep = ProcessHandle.OfChild(Pid, _bash.Id)) sleep?.Signal(SIGKILL);
            if (!_bash.WaitForExit(5000)) _bash.Kill(entireProcessTree: true);
            _bash.WaitForExit(5000);
            _bash.Dispose();
        }
    }
}
