using UnpServers.Unp;

namespace UnpServers.Tests;

/// <summary>
/// Every server, every start, every mode keeps the fork-safety rules (R1, R2): started from a
/// terminal or with a hostile environment, with bytes that are not UTF-8, stuck in its start-up.
/// </summary>
[TestFixture]
public partial class StartupTests
{
    /// <summary>(program, arguments) for each way a server serves: echosrv fork and --exec; daytimesrv iterative, --fork, --fork --exec.</summary>
    private static readonly object[] ServerModes =
    [
        new object[] { "echosrv", "" },
        new object[] { "echosrv", "--exec" },
        new object[] { "daytimesrv", "" },
        new object[] { "daytimesrv", "--fork" },
        new object[] { "daytimesrv", "--fork --exec" },
    ];

    private static string[] Words(string args) => args.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static string[] Threads(int pid) => ProcFs.ThreadNames(pid);

    [TestCase("echosrv", "")]
    [TestCase("daytimesrv", "--fork")]
    public void TheParentHasTheSameThreadsFromATerminalAPipeOrClosedDescriptors(string program, string args)
    {
        string[] redirected;
        using (var server = ServerProcess.Start(program, Words(args)))
            redirected = Threads(server.Pid);
        Assert.That(redirected, Has.None.Contains("SigHandler"), string.Join(", ", redirected));

        // script(1) gives the server a pseudo-terminal as stdin, stdout and stderr, as a student's shell does.
        string bin = Repo.Program(program);
        using (var pty = ShellServer.Start($"exec script -qec 'exec {bin} --port 0 --log {{log}} {args}' /dev/null </dev/null >/dev/null 2>&1"))
        {
            Assert.That(new FileInfo($"/proc/{pty.Pid}/fd/1").LinkTarget, Does.StartWith("/dev/pts/"), "stdout is a terminal");
            Assert.That(Threads(pty.Pid), Is.EqualTo(redirected), "started from a terminal");
        }
        using (var closed = ShellServer.Start($"exec {bin} --port 0 --log {{log}} {args} <&- >&- 2>&-"))
            Assert.That(Threads(closed.Pid), Is.EqualTo(redirected), "started with stdin, stdout and stderr closed");
    }

    [Test]
    public void TheEnvironmentCannotTurnAGcThreadOn()
    {
        var env = new Dictionary<string, string>
        {
            ["DOTNET_gcConcurrent"] = "1",
            ["DOTNET_gcServer"] = "1",
            ["COMPlus_gcServer"] = "1",
        };
        using var server = ServerProcess.Start("echosrv", [], env);
        for (int i = 0; i < 5; i++) TestSocket.RoundTrip(server.Port, new byte[100_000]); // work for a GC to do

        var environ = File.ReadAllText($"/proc/{server.Pid}/environ").Split('\0');
        Assert.That(environ, Does.Contain("DOTNET_gcConcurrent=0").And.Contain("DOTNET_gcServer=0"));
        Assert.That(environ, Has.None.Match("^COMPlus_gcServer="), "dropped, not merely overridden");
        Assert.That(environ.Count(e => e.StartsWith("DOTNET_gcServer=")), Is.EqualTo(1));
        Assert.That(Threads(server.Pid), Is.EquivalentTo(new[] { "echosrv", ".NET Finalizer" }));
    }

    [TestCaseSource(nameof(ServerModes))]
    public void Sigusr1LogsStatsSighupReopensTheLogSigtermStops(string program, string args)
    {
        using var server = ServerProcess.Start(program, Words(args));
        server.Signal(SIGUSR1);
        server.WaitForLog(new(@"^stats: accepted 0, active 0, "), 5000);

        string rotated = server.LogPath + ".1";
        File.Move(server.LogPath, rotated); // what logrotate does
        try
        {
            server.Signal(SIGHUP);
            server.WaitForLog(new(@"^received SIGHUP; log reopened$"), 5000);
            Served(program, server.Port);
            // --exec: the exec'd child logs its peer through the descriptor it inherited, the new file.
            server.WaitForLog(new(@"^connection from 127\.0\.0\.1, port \d+$"), 5000);
            Assert.That(File.ReadAllText(rotated), Does.Contain("stats: "));
        }
        finally
        {
            File.Delete(rotated);
        }

        server.StopsOn(SIGTERM, "SIGTERM");
    }

    [TestCaseSource(nameof(ServerModes))]
    public void SigintStops(string program, string args)
    {
        using var server = ServerProcess.Start(program, Words(args));
        Served(program, server.Port);
        server.StopsOn(SIGINT, "SIGINT");
    }

    [TestCaseSource(nameof(ServerModes))]
    public void SighupWithoutALogStops(string program, string args)
    {
        using var server = ServerProcess.Start(program, Words(args), logToStdout: true);
        server.Signal(SIGHUP);
        Assert.That(server.WaitForExit(5000), Is.EqualTo(0), server.Log);
        Assert.That(server.Log, Does.Contain("received SIGHUP, no --log file to reopen: stopping"));
    }

    [Test]
    public void AStartUpStuckOpeningItsLogStillEndsOnSigterm()
    {
        // A FIFO nobody reads: open(O_WRONLY) blocks, after listen() and before the signalfd.
        string dir = Directory.CreateTempSubdirectory("unp-fifo-").FullName;
        string fifo = Path.Combine(dir, "log");
        Assert.That(Run.Command("mkfifo", [fifo]).ExitCode, Is.EqualTo(0));
        var psi = new ProcessStartInfo(Repo.Program("echosrv")) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in (string[])["--port", "0", "--log", fifo]) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        try
        {
            // Re-executed (same pid) and listening: from here on it waits in open().
            bool stuck = Wait.Until(() => File.ReadAllText($"/proc/{p.Id}/environ").Split('\0').Any(e => e.StartsWith($"UNPSERVERS_REEXEC={p.Id},"))
                                          && Directory.GetFiles($"/proc/{p.Id}/fd").Any(f => (new FileInfo(f).LinkTarget ?? "").StartsWith("socket:")), 10000);
            Assert.That(stuck, Is.True, "the server reached listen()");
            using (ProcessHandle? h = ProcessHandle.OfOwnChild(p.Id)) h?.Signal(SIGTERM);
            Assert.That(p.WaitForExit(5000), Is.True, "SIGTERM ends a start-up stuck before the signalfd");
            Assert.That(p.ExitCode, Is.EqualTo(128 + SIGTERM), "the default action, as for the C server");
        }
        finally
        {
            if (!p.HasExited) p.Kill();
            p.WaitForExit(5000);
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void BytesThatAreNotUtf8PassThroughTheReExecAndTheExec()
    {
        // A variable and a --log path with the byte 0xff, which is not UTF-8.
        string dir = Directory.CreateTempSubdirectory("unp-bytes-").FullName;
        try
        {
            using var server = ShellServer.Start($"FOO=$'a\\xffb' exec {Repo.Program("echosrv")} --port 0 --exec --log {{log}} </dev/null >/dev/null 2>&1",
                                                 $"{dir}/$'\\xff'.log");
            var names = Run.Shell($"ls {dir} | od -An -c").StdOut;
            Assert.That(Regex.Replace(names, @"\s+", " ").Trim(), Is.EqualTo(@"377 . l o g \n"), "the log has the name given, byte for byte");
            byte[] foo = [.. "FOO=a"u8, 0xff, .. "b"u8];
            Assert.That(Exec.SplitNul($"/proc/{server.Pid}/environ"), Has.One.EqualTo(foo), "the re-exec'd server");

            using var s = Loopback.Connect(server.Port);
            Assert.That(TestSocket.Line(s, "x"), Is.EqualTo("x\n"));
            int child = 0;
            Assert.That(Wait.Until(() => (child = ProcFs.Children(server.Pid).FirstOrDefault()) != 0, 5000), Is.True);
            Assert.That(Exec.SplitNul($"/proc/{child}/environ"), Has.One.EqualTo(foo), "the exec'd child");
            s.Dispose();
            Assert.That(Wait.Until(() => server.Log.Contains("terminated"), 5000), Is.True, server.Log);
            Assert.That(server.Log, Does.Contain("connection from 127.0.0.1"), "the exec'd child logged to the same file");
        }
        finally
        {
            Run.Command("rm", ["-rf", "--", dir]); // .NET cannot name a file that is not UTF-8
        }
    }

    [TestCase("--fork --exec")]
    [TestCase("--fork")]
    [TestCase("")]
    public void EveryModeServesAndLogsAfterDroppingToAUser(string args)
    {
        if (LibC.geteuid() != 0) Assert.Ignore("--user needs root to drop from");
        // The exec'd child runs as nobody and must be able to execute the program.
        string bin = WorldReadableBin.Path;
        string logDir = Directory.CreateTempSubdirectory("unp-log-").FullName; // root's, 0700: nobody could not open the log in it
        try
        {
            using var server = ShellServer.Start($"exec {bin}/daytimesrv --port 0 {args} --user nobody --log {{log}} </dev/null >/dev/null 2>&1",
                                                 $"{logDir}/daytime.log");
            var r = Run.Program("daytimecli", ["127.0.0.1", "--port", server.Port.ToString()]);
            Assert.That(r.ExitCode, Is.EqualTo(0), r.StdErr + server.Log);
            Assert.That(r.StdOut, Does.Match(@"^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}\r\n$"));
            Assert.That(Wait.Until(() => Regex.IsMatch(server.Log, @"connection from 127\.0\.0\.1, port \d+"), 5000), Is.True, server.Log);
            Assert.That(server.Log, Does.Not.Contain("error"));
        }
        finally
        {
            Directory.Delete(logDir, recursive: true);
        }
    }

    [Test]
    public void DaytimecliFailsWhenTheServerSendsNothing()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var accepting = Task.Run(() => { using var c = listener.AcceptSocket(); }); // accept, then close: a FIN, no data
        var r = Run.Program("daytimecli", ["127.0.0.1", "--port", port.ToString()]);
        Assert.That(accepting.Wait(5000), Is.True);
        Assert.That(r.ExitCode, Is.EqualTo(1));
        Assert.That(r.StdOut, Is.Empty);
        Assert.That(r.StdErr.Trim(), Is.EqualTo("daytimecli: no reply: the server closed the connection without sending anything"));
    }

    /// <summary>One client served: an echo, or a daytime reply.</summary>
    private static void Served(string program, int port)
    {
        if (program == "echosrv")
        {
            Assert.That(TestSocket.RoundTrip(port, [7, 8, 9]), Is.EqualTo(new byte[] { 7, 8, 9 }));
            return;
        }
        using var s = Loopback.Connect(port);
        Assert.That(Encoding.ASCII.GetString(TestSocket.ReadToEnd(s)), Does.EndWith("\r\n"));
    }
}

/// <summary>
/// A server started by a bash command line, for starts the Process class cannot make: under a
/// pseudo-terminal, with descriptors closed, with bytes that are not UTF-8. "{log}" in the
/// command line is replaced by the log path (a bash word, so $'\xff' works); the server's pid
/// and port come from its "listening on" line. Dispose kills and reaps everything it started.
/// </summary>
public sealed partial class ShellServer : IDisposable
{
    private readonly Process _shell;
    private readonly string _logWord;
    private readonly string? _ownLog;
    public int Pid { get; private set; }
    public int Port { get; private set; }

    private ShellServer(Process shell, string logWord, string? ownLog)
    {
        _shell = shell;
        _logWord = logWord;
        _ownLog = ownLog;
    }

    public static ShellServer Start(string commandLine, string? logWord = null)
    {
        string? ownLog = logWord == null ? Path.Combine(Path.GetTempPath(), $"unp-shell-{Guid.NewGuid():N}.log") : null;
        logWord ??= ownLog!;
        var psi = new ProcessStartInfo("bash") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(commandLine.Replace("{log}", logWord));
        var shell = Process.Start(psi)!;
        shell.OutputDataReceived += (_, _) => { };
        shell.ErrorDataReceived += (_, _) => { };
        shell.BeginOutputReadLine();
        shell.BeginErrorReadLine();
        var server = new ShellServer(shell, logWord, ownLog);
        try
        {
            Match m = Match.Empty;
            bool up = Wait.Until(() => (m = ListeningLine().Match(server.Log)).Success || shell.HasExited, 10000, 50);
            Assert.That(up && m.Success, Is.True, $"no listening line from: {commandLine}\nlog: {server.Log}");
            (server.Port, server.Pid) = (int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value));
        }
        catch
        {
            server.Dispose();
            throw;
        }
        return server;
    }

    [GeneratedRegex(@"listening on \S+, port (\d+), pid (\d+)")]
    private static partial Regex ListeningLine();

    /// <summary>The log; read by cat when its name is a bash word ($'\xff') that .NET cannot open.</summary>
    public string Log => _logWord.Contains('$') ? Run.Shell($"cat -- {_logWord} 2>/dev/null").StdOut
                       : File.Exists(_logWord) ? File.ReadAllText(_logWord) : "";

    public void Dispose()
    {
        var handles = new List<ProcessHandle>();
        // The server is the shell's child (bash execs a simple command) or script's, its
        // grandchild: signalled only while its parent is still in the tree we started.
        if (Pid > 0 && ProcFs.ParentOf(Pid) is int parent && InOurTree(parent)
            && ProcessHandle.OfChild(Pid, parent) is ProcessHandle server)
        {
            foreach (int child in ProcFs.Children(Pid))
                if (ProcessHandle.OfChild(child, Pid) is ProcessHandle h) handles.Add(h);
            handles.Add(server);
        }
        Reaping.KillAndReap(handles, 3000); // the server's children, then the server: ours once their parent is gone
        if (!_shell.HasExited) _shell.Kill(entireProcessTree: true);
        _shell.WaitForExit(5000);
        _shell.Dispose();
        if (_ownLog != null) File.Delete(_ownLog);
    }

    private bool InOurTree(int pid)
    {
        for (int i = 0; i < 8 && pid > 1; i++, pid = ProcFs.ParentOf(pid) ?? 0)
            if (pid == _shell.Id || pid == Environment.ProcessId) return true;
        return false;
    }
}
