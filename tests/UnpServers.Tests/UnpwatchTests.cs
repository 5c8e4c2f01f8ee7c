namespace UnpServers.Tests;

/// <summary>
/// unpwatch (issue 22): a real echosrv, real clients, and what the view says of them: --once
/// frames, the events file, and the full screen on a pty.
/// </summary>
[TestFixture]
public class UnpwatchTests
{
    /// <summary>One frame as plain text; exit 0.</summary>
    private static string Once(params string[] args)
    {
        var r = Run.Program("unpwatch", [.. args, "--once"]);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.StdErr);
        Assert.That(r.StdOut, Does.Not.Contain("\u001b"), "--once is plain text");
        return r.StdOut;
    }

    /// <summary>The frame's row for a socket: its state, then its local and peer addresses (each given whole, or up to its port: "127.0.0.1:").</summary>
    private static string? SocketRow(string frame, string state, string local, string peer)
        => frame.Split('\n').FirstOrDefault(l => Regex.IsMatch(l, $@"^{state}\s+{Address(local)}\s+{Address(peer)}\s"));

    private static string Address(string a) => Regex.Escape(a) + (a.EndsWith(':') ? @"\d+" : "");

    /// <summary>Polls --once until the frame has a row matching each pattern; the last frame either way.</summary>
    private static string OnceUntil(int port, params string[] patterns)
    {
        string frame = "";
        Wait.Until(() =>
        {
            frame = Once("--port", port.ToString());
            return patterns.All(p => Regex.IsMatch(frame, p, RegexOptions.Multiline));
        }, 10000, 100);
        return frame;
    }

    [Test]
    public void OnceShowsTheListenerAndAConnectionWithTheirPids()
    {
        using var server = ServerProcess.StartEcho();
        using var cli = ClientProcess.Start("echocli", "127.0.0.1", "--port", server.Port.ToString());
        cli.Type("hello\n");
        Assert.That(Wait.Until(() => cli.StdoutText == "hello\n", 10000), Is.True, "the echo");
        int child = server.Children().Single();
        string port = server.Port.ToString();
        foreach (string frame in new[] { Once("--port", port), Once("--pid", server.Pid.ToString()) })
        {
            Assert.That(frame, Does.StartWith($"unpwatch: echosrv {server.Pid} on port {port}"));
            Assert.That(SocketRow(frame, "LISTEN", $"*:{port}", "*:*"), Does.EndWith($"{server.Pid} echosrv, accept queue 0/1024"), frame);
            string serverEnd = SocketRow(frame, "ESTABLISHED", $"127.0.0.1:{port}", "127.0.0.1:") ?? "";
            Assert.That(serverEnd, Does.EndWith($" {child} echosrv"), frame);
            string clientEnd = SocketRow(frame, "ESTABLISHED", "127.0.0.1:", $"127.0.0.1:{port}") ?? "";
            Assert.That(clientEnd, Does.EndWith($" {cli.Pid} echocli"), frame);
            Assert.That(frame, Does.Match($@"\n\s+{child}\s+{server.Pid}\s+S sleeping .* read fd \d+\s+\\_ echosrv\n"), "the child, waiting in read");
        }
    }

    [Test]
    public void OnAPtyTheViewDrawsUpdatesOnAConnectionAndQuitsOnQWithTheTerminalRestored()
    {
        using var server = ServerProcess.StartEcho();
        using var pty = UnpwatchRun.OnPty($"stty rows 30 cols 100; stty -g > \"$DIR/before\"; \"$UNPWATCH\" --port {server.Port}; echo \"status=$?\"; stty -g > \"$DIR/after\"");
        Assert.That(pty.WaitForOutput($"unpwatch: echosrv {server.Pid} on port {server.Port}"), Is.True, pty.Output);
        Assert.That(pty.Output, Does.Contain("\u001b[?1049h"), "the alternate screen");
        using Socket client = Loopback.Connect(server.Port);
        int ephemeral = ((IPEndPoint)client.LocalEndPoint!).Port;
        Assert.That(pty.WaitForOutput($"connection from 127.0.0.1:{ephemeral} to 127.0.0.1:{server.Port} established"), Is.True, pty.Output);
        Assert.That(Wait.Until(() => server.Children().Length == 1, 5000), Is.True);
        Assert.That(pty.WaitForOutput($"child {server.Children()[0]} forked by {server.Pid}"), Is.True, pty.Output);
        pty.Type("q");
        Assert.That(pty.WaitForExit(10000), Is.EqualTo(0), pty.Output);
        Assert.That(pty.Output, Does.Contain("status=0"));
        Assert.That(pty.Output, Does.Contain("\u001b[?25h\u001b[?1049l"), "the cursor and the screen put back");
        string dir = Path.GetDirectoryName(pty.EventsPath)!;
        Assert.That(File.ReadAllText(Path.Combine(dir, "after")), Is.EqualTo(File.ReadAllText(Path.Combine(dir, "before"))), "the terminal's modes put back");
    }

    [Test]
    public void AResizedTerminalIsDrawnAgainAtItsNewSize()
    {
        using var server = ServerProcess.StartEcho();
        // stty on the pty changes its size: the kernel sends SIGWINCH to the processes on it.
        using var pty = UnpwatchRun.OnPty($"stty rows 20 cols 80; \"$UNPWATCH\" --port {server.Port} & w=$!; "
                                          + $"{Step("resize")} stty rows 30 cols 120; {Step("stop")} kill -TERM $w; wait $w; echo \"status=$?\"");
        string[] Titles() => Regex.Matches(pty.Output, @"\e\[1;1H\e\[7m(unpwatch: [^\e]*)").Select(m => m.Groups[1].Value).ToArray();
        Assert.That(Wait.Until(() => Titles().Length > 0, 15000), Is.True, "the first frame: " + pty.Output);
        pty.Go("resize");
        Assert.That(Wait.Until(() => Titles().Any(t => t.Length == 119), 15000), Is.True, "a frame at the new size: " + pty.Output);
        pty.Go("stop");
        Assert.That(pty.WaitForExit(20000), Is.EqualTo(0), pty.Output);
        Assert.That(pty.Output, Does.Contain("status=0"));
        Assert.That(Titles().Select(t => t.Length).Distinct(), Is.EquivalentTo(new[] { 79, 119 }), "the title across the width, one column left free");
        Assert.That(Regex.Matches(pty.Output, @"\e\[H\e\[2J").Count, Is.EqualTo(2), "drawn whole at the start and after the resize");
        Assert.That(pty.Output, Does.EndWith("\u001b[?25h\u001b[?1049lstatus=0\r\n"), "SIGTERM restores the terminal too");
    }

    [Test]
    public void WithNoColorOnATerminalItIsPlainText()
    {
        using var server = ServerProcess.StartEcho();
        using var pty = UnpwatchRun.OnPty($"NO_COLOR=1 \"$UNPWATCH\" --port {server.Port} & w=$!; {Step("stop")} kill -TERM $w; wait $w; echo \"status=$?\"");
        Assert.That(pty.WaitForOutput($"unpwatch: echosrv {server.Pid} on port {server.Port},"), Is.True, pty.Output);
        pty.Go("stop");
        Assert.That(pty.WaitForExit(20000), Is.EqualTo(0), pty.Output);
        Assert.That(pty.Output, Does.Contain($"unpwatch: echosrv {server.Pid} on port {server.Port},").And.Contain("status=0"));
        Assert.That(pty.Output, Does.Not.Contain("\u001b"));
    }

    [Test]
    public void WithReapNoneAZombieStaysInTheViewAndTheEvents()
    {
        using var server = ServerProcess.StartEcho("--reap", "none");
        using var watch = UnpwatchRun.WithEvents("--port", server.Port.ToString());
        Assert.That(watch.WaitForEvent("watching echosrv"), Is.True, watch.Output);
        Assert.That(TestSocket.RoundTrip(server.Port, "bye\n"u8.ToArray()), Is.EqualTo("bye\n"u8.ToArray()));
        Assert.That(Wait.Until(() => server.Children().Length == 1 && ProcFs.State(server.Children()[0]) == 'Z', 10000), Is.True);
        int zombie = server.Children()[0];
        Assert.That(watch.WaitForEvent($"child {zombie} is a zombie: its parent {server.Pid} has not reaped it"), Is.True, watch.Events);
        string frame = Once("--port", server.Port.ToString());
        Assert.That(frame, Does.Match($@"\n\s+{zombie}\s+{server.Pid}\s+Z zombie .*exit status 0\s+\\_ echosrv <defunct>\n"), frame);
        Assert.That(frame, Does.Contain("zombies 1 (at most 1)"));
        Assert.That(watch.Events, Does.Not.Contain($"child {zombie} reaped"));
    }

    [Test]
    public void WithReapingAZombieAppearsWhileTheParentCannotRunAndIsReapedWhenItCan()
    {
        // The parent reaps within a millisecond; stopped (SIGSTOP), it cannot, and the zombie stays.
        using var server = ServerProcess.StartEcho();
        using var watch = UnpwatchRun.WithEvents("--port", server.Port.ToString());
        Assert.That(watch.WaitForEvent("watching echosrv"), Is.True, watch.Output);
        using Socket client = Loopback.Connect(server.Port);
        Assert.That(TestSocket.Line(client, "hi"), Is.EqualTo("hi\n"));
        int child = server.Children().Single();
        Assert.That(watch.WaitForEvent($"child {child} forked"), Is.True, watch.Events);
        server.Signal(SIGSTOP);
        try
        {
            client.Close();
            Assert.That(watch.WaitForEvent($"child {child} is a zombie"), Is.True, watch.Events);
            Assert.That(Once("--port", server.Port.ToString()), Does.Contain("<defunct>"));
        }
        finally
        {
            server.Signal(SIGCONT);
        }
        Assert.That(watch.WaitForEvent($"child {child} reaped (a zombie for "), Is.True, watch.Events);
        Assert.That(Wait.Until(() => server.Children().Length == 0, 5000), Is.True);
    }

    /// <summary>UNP 5.12: the child killed while echocli --blocking waits in fgets.</summary>
    [Test]
    public void KillingTheChildOfABlockingClientShowsCloseWaitAndFinWait2()
    {
        using var server = ServerProcess.StartEcho();
        using var watch = UnpwatchRun.WithEvents("--port", server.Port.ToString());
        Assert.That(watch.WaitForEvent("watching echosrv"), Is.True, watch.Output);
        using var cli = ClientProcess.Start("echocli", "127.0.0.1", "--port", server.Port.ToString(), "--blocking");
        cli.Type("before\n");
        Assert.That(Wait.Until(() => cli.StdoutText == "before\n", 10000), Is.True, "the first echo");
        int child = server.Children().Single();
        Assert.That(watch.WaitForEvent($"child {child} forked"), Is.True, watch.Events); // seen alive, so its end is seen too
        Assert.That(server.TrySignalChild(child, SIGTERM), Is.True);
        string port = server.Port.ToString();
        // The server's end is in FIN_WAIT_1 until the client's kernel acknowledges the FIN.
        string frame = OnceUntil(server.Port, $@"^CLOSE_WAIT\s+127\.0\.0\.1:\d+\s+127\.0\.0\.1:{port}\s", $@"^FIN_WAIT_2\s+127\.0\.0\.1:{port}\s");
        string clientEnd = SocketRow(frame, "CLOSE_WAIT", "127.0.0.1:", $"127.0.0.1:{port}") ?? "";
        Assert.That(clientEnd, Does.EndWith($" {cli.Pid} echocli"), frame);
        Assert.That(SocketRow(frame, "FIN_WAIT_2", $"127.0.0.1:{port}", "127.0.0.1:"), Does.EndWith("(no process: closed)"), frame);
        Assert.That(watch.WaitForEvent("ESTABLISHED -> CLOSE_WAIT") && watch.WaitForEvent("-> FIN_WAIT_2"), Is.True, watch.Events);
        // ", reaped at once" follows when its parent was quicker than unpwatch.
        Assert.That(watch.Events, Does.Contain($"child {child} exited (killed by SIGTERM"));
    }

    [Test]
    public void AConnectionsEventsComeInTheOrderItLivesThem()
    {
        using var server = ServerProcess.StartEcho();
        using var watch = UnpwatchRun.WithEvents("--port", server.Port.ToString());
        Assert.That(watch.WaitForEvent("watching echosrv"), Is.True, watch.Output);
        int ephemeral, child;
        using (Socket client = Loopback.Connect(server.Port))
        {
            ephemeral = ((IPEndPoint)client.LocalEndPoint!).Port;
            Assert.That(TestSocket.Line(client, "x"), Is.EqualTo("x\n"));
            child = server.Children().Single();
            Assert.That(watch.WaitForEvent($"child {child} forked"), Is.True, watch.Events);
        }
        Assert.That(watch.WaitForEvent($"child {child} reaped"), Is.True, watch.Events);
        string[] lines = watch.EventLines;
        int At(string what)
        {
            int i = Array.FindIndex(lines, l => l.Contains(what));
            Assert.That(i, Is.GreaterThanOrEqualTo(0), $"no event '{what}' in:\n{watch.Events}");
            return i;
        }
        int[] order = [At($"connection from 127.0.0.1:{ephemeral} to 127.0.0.1:{server.Port} established"),
                       At($"child {child} forked by {server.Pid}"), At($"child {child} exited (exit status 0"), At($"child {child} reaped")];
        Assert.That(order, Is.Ordered.And.Unique, watch.Events);
        Assert.That(lines, Has.All.Match(@"^\d\d:\d\d:\d\d\.\d\d\d \S"), "one timestamped line each");
    }

    [Test]
    public void TheThreadDesignsShowTheirThreads()
    {
        using var server = ServerProcess.StartEcho("--model", "thread");
        using Socket client = Loopback.Connect(server.Port);
        Assert.That(TestSocket.Line(client, "t"), Is.EqualTo("t\n"));
        string frame = OnceUntil(server.Port, @"\{echo 127\.0\.0\.1\}");
        Assert.That(frame, Does.Match(@"\n\s+\d+\s+-\s+S sleeping .* read fd \d+\s+\\_ \{echo 127\.0\.0\.1\}\n"), frame);
        Assert.That(frame, Does.Not.Contain("{.NET"), "the runtime's own threads are not the design's");
    }

    [Test]
    public void TheServerGoingAwayIsAnEventAndTheViewWaitsForAnother()
    {
        using var server = ServerProcess.StartEcho();
        using var watch = UnpwatchRun.WithEvents("--port", server.Port.ToString());
        Assert.That(watch.WaitForEvent("watching echosrv"), Is.True, watch.Output);
        Assert.That(server.Stop(10000)?.Code, Is.EqualTo(0));
        // The test process reaps its child at once: its status may be gone before unpwatch reads it.
        Assert.That(watch.WaitForEvent($"server {server.Pid} exited ("), Is.True, watch.Events);
        Assert.That(watch.WaitForEvent($"server {server.Pid} reaped"), Is.True, watch.Events);
        Assert.That(watch.WaitForEvent($"no server on port {server.Port}: watching for a new one"), Is.True, watch.Events);
        Assert.That(watch.WaitForEvent($"listener *:{server.Port} closed"), Is.True, watch.Events);
        watch.Signal(SIGTERM);
        Assert.That(watch.WaitForExit(5000), Is.EqualTo(0), watch.Output);
        Assert.That(watch.Output, Does.Not.Contain("\u001b").And.Not.Contain("   at "), "piped: plain text, and no stack trace");
    }

    [Test]
    public void AUsageErrorIsOneLineAndTheUsage()
    {
        int unused;
        using (var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            s.Bind(new IPEndPoint(IPAddress.Loopback, 0)); // bound, never listening: nothing listens on it
            unused = ((IPEndPoint)s.LocalEndPoint!).Port;
            Bad(["--port", unused.ToString()], $"nothing listens on TCP port {unused}");
        }
        Bad(["--pid", "2147483647"], "there is no process 2147483647");
        Bad(["--pid", Environment.ProcessId.ToString()], $"process {Environment.ProcessId} (");
        Bad([], "say which server to watch: --port N or --pid PID");
        Bad(["--port", "0"], "--port must be 1..65535, not 0");
        Bad(["--port", "1", "--pid", "1"], "--port and --pid both name the server; give one");
        Bad(["--port", "1", "--once", "--events", "-"], "--once prints one frame");
    }

    private static void Bad(string[] args, string reason)
    {
        var r = Run.Program("unpwatch", args);
        Assert.That(r.ExitCode, Is.EqualTo(64), r.StdErr);
        Assert.That(r.StdErr.Split('\n')[0], Does.StartWith("unpwatch: " + reason));
        Assert.That(r.StdErr, Does.Contain("usage: unpwatch").And.Not.Contain("   at "));
        Assert.That(r.StdOut, Is.Empty);
    }

    [Test]
    public void ATerminalTooSmallIsAUsageError()
    {
        using var server = ServerProcess.StartEcho();
        using var pty = UnpwatchRun.OnPty($"stty rows 10 cols 40; \"$UNPWATCH\" --port {server.Port}; echo \"status=$?\"");
        Assert.That(pty.WaitForExit(15000), Is.EqualTo(0), pty.Output);
        Assert.That(pty.Output, Does.Contain("unpwatch: the terminal is 40x10; the view needs at least 70x16 (or use --once)"));
        Assert.That(pty.Output, Does.Contain("status=64").And.Not.Contain("\u001b[?1049h"));
    }

    /// <summary>A pty script's pause until the test says go (UnpwatchRun.Go): no sleep that guesses how long a frame takes.</summary>
    private static string Step(string name) => $"until [ -e \"$DIR/{name}\" ]; do sleep 0.05; done;";
}
