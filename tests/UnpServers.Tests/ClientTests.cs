namespace UnpServers.Tests;

/// <summary>echocli: batch and interactive use, the server going first, and the lesson modes.</summary>
[TestFixture]
public class ClientTests : SharedEchoServer
{
    [Test]
    public void A32MiBRandomBinaryFileComesBackByteIdentical()
    {
        byte[] input = new byte[32 << 20];
        new Random(3).NextBytes(input);
        var (code, output, stderr) = ClientProcess.Batch("echocli", input, 60000, "127.0.0.1", "--port", Port);
        Assert.That(code, Is.EqualTo(0), stderr);
        Assert.That(output.Length, Is.EqualTo(input.Length));
        Assert.That(output.AsSpan().SequenceEqual(input), Is.True);
    }

    [TestCase("")]
    [TestCase("last line without a newline")]
    [TestCase("a\0b\0\n\0\r\n\xff")]
    public void SmallInputsComeBackExactly(string text)
    {
        byte[] input = Encoding.Latin1.GetBytes(text);
        var (code, output, stderr) = ClientProcess.Batch("echocli", input, 10000, "127.0.0.1", "--port", Port);
        Assert.That(code, Is.EqualTo(0), stderr);
        Assert.That(output, Is.EqualTo(input));
    }

    [Test]
    public void EachTypedLineComesBackAtOnceAndCtrlDEndsTheSession()
    {
        using var cli = ClientProcess.Start("echocli", "127.0.0.1", "--port", Port);
        cli.Type("hello\n");
        Assert.That(Wait.Until(() => cli.StdoutText == "hello\n", 5000), Is.True, "first line echoed before more input");
        cli.Type("world\n");
        Assert.That(Wait.Until(() => cli.StdoutText == "hello\nworld\n", 5000), Is.True);
        cli.CloseStdin(); // Ctrl-D
        Assert.That(cli.WaitForExit(5000), Is.EqualTo(0));
        Assert.That(cli.Stderr, Is.Empty);
    }

    [Test]
    public void KillingTheServersChildEndsTheClientWithinOneSecond()
    {
        using var server = ServerProcess.StartEcho();
        using var cli = ClientProcess.Start("echocli", "127.0.0.1", "--port", server.Port.ToString());
        cli.Type("before\n");
        Assert.That(Wait.Until(() => cli.StdoutText == "before\n", 5000), Is.True);
        int child = server.Children().Single();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        server.SignalChild(child, SIGTERM);
        int? code = cli.WaitForExit(1000);
        Assert.That(code, Is.EqualTo(1), $"exit 1 within 1 s (after {sw.ElapsedMilliseconds} ms)");
        Assert.That(cli.Stderr.Trim(), Is.EqualTo("str_cli: server terminated prematurely"));
    }

    [Test]
    public void ARefusedPortIsOneLineAndNonZero()
    {
        using var server = ServerProcess.StartEcho();
        string port = server.Port.ToString();
        server.Signal(SIGTERM);
        Assert.That(server.WaitForExit(5000), Is.EqualTo(0));
        var (code, output, stderr) = ClientProcess.Batch("echocli", [], 10000, "127.0.0.1", "--port", port);
        Assert.That(code, Is.Not.EqualTo(0));
        Assert.That(stderr, Is.EqualTo("connect error: Connection refused (ECONNREFUSED)\n"));
        Assert.That(output, Is.Empty);
    }

    [Test]
    public void AnUnknownHostIsOneLineAndNonZero()
    {
        var (code, _, stderr) = ClientProcess.Batch("echocli", [], 10000, "no-such-host.invalid", "--port", Port);
        Assert.That(code, Is.Not.EqualTo(0));
        Assert.That(stderr.TrimEnd('\n').Split('\n'), Has.Length.EqualTo(1));
        Assert.That(stderr, Does.StartWith("tcp_connect error for no-such-host.invalid, " + Port + ": "));
    }

    [Test]
    public void BadArgumentsExit64()
    {
        var r = Run.Program("echocli", []);
        Assert.That(r.ExitCode, Is.EqualTo(64));
        Assert.That(r.StdErr.Split('\n')[0], Is.EqualTo("echocli: missing HOST"));
        r = Run.Program("echocli", ["host1", "host2"]);
        Assert.That(r.ExitCode, Is.EqualTo(64));
        Assert.That(r.StdErr.Split('\n')[0], Is.EqualTo("echocli: unexpected argument 'host2'"));
        r = Run.Program("echocli", ["127.0.0.1", "-n", "0"]);
        Assert.That(r.ExitCode, Is.EqualTo(64));
        Assert.That(r.StdErr.Split('\n')[0], Is.EqualTo("echocli: -n must be 1..10000, not 0"));
    }

    [Test]
    public void IPv6LoopbackReachesTheDualStackServer()
    {
        var (code, output, stderr) = ClientProcess.Batch("echocli", "over IPv6\n"u8.ToArray(), 10000, "::1", "--port", Port);
        Assert.That(code, Is.EqualTo(0), stderr);
        Assert.That(Encoding.ASCII.GetString(output), Is.EqualTo("over IPv6\n"));
    }

    [Test]
    public void FiveConnectionsOpenAndCloseTogether()
    {
        using var server = ServerProcess.StartEcho();
        var (code, output, stderr) = ClientProcess.Batch("echocli", [], 10000, "127.0.0.1", "--port", server.Port.ToString(), "-n", "5");
        Assert.That(code, Is.EqualTo(0), stderr);
        Assert.That(Encoding.ASCII.GetString(output).Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(5));
        Assert.That(Wait.Until(() => server.CountLog(new("^child \\d+ terminated")) == 5, 5000), Is.True, server.Log);
        Assert.That(server.CountLog(new("^connection from")), Is.EqualTo(5));
    }

    /// <summary>
    /// More connections than the server takes at once: --max-children 2 and an accept queue of
    /// 2 (backlog 1; Linux queues backlog + 1). The connects beyond those four wait in SYN
    /// retransmissions until the server's children exit, which they do once their lines come;
    /// echocli used to connect all twelve first and hang (issue 20, defect 4).
    /// </summary>
    [Test]
    public void MoreConnectionsThanTheServerQueuesAreAllServed()
    {
        using var server = ServerProcess.StartEcho("--backlog", "1", "--max-children", "2");
        var (code, output, stderr) = ClientProcess.Batch("echocli", [], 30000, "127.0.0.1", "--port", server.Port.ToString(), "-n", "12");
        Assert.That(code, Is.EqualTo(0), stderr + server.Log);
        Assert.That(Encoding.ASCII.GetString(output).Split('\n', StringSplitOptions.RemoveEmptyEntries),
                    Is.EqualTo(Enumerable.Range(1, 12).Select(i => $"connection {i} of 12")), "every echo, in order");
        Assert.That(Wait.Until(() => server.CountLog(new("^child \\d+ terminated")) == 12, 5000), Is.True, server.Log);
    }

    [TestCase("ignore", 1, "write error: Broken pipe (EPIPE)\n")]
    [TestCase("default", 141, "")]
    public void TheSigpipeDemoMeetsAResetSocket(string sigpipe, int expectedCode, string expectedStderr)
    {
        using var server = ServerProcess.StartEcho();
        using var cli = ClientProcess.Start("echocli", "127.0.0.1", "--port", server.Port.ToString(), "--sigpipe-demo", "--sigpipe", sigpipe);
        cli.Type("first\n");
        Assert.That(Wait.Until(() => cli.StdoutText == "first\n", 5000), Is.True);
        server.SignalChild(server.Children().Single(), SIGTERM);
        server.WaitForLog(new("terminated by signal 15"), 5000);
        cli.Type("second\n");
        int? code = cli.WaitForExit(5000);
        // The shell shows 128 + 13 for death by SIGPIPE; Process reports the same.
        Assert.That(code, Is.EqualTo(expectedCode), cli.Stderr);
        Assert.That(cli.Stderr, Is.EqualTo(expectedStderr));
    }

    [Test]
    public void Linger0MakesTheServerChildReadAReset()
    {
        using var server = ServerProcess.StartEcho();
        var (code, output, stderr) = ClientProcess.Batch("echocli", "bye\n"u8.ToArray(), 10000, "127.0.0.1", "--port", server.Port.ToString(), "--linger0");
        Assert.That(code, Is.EqualTo(0), stderr);
        Assert.That(Encoding.ASCII.GetString(output), Is.EqualTo("bye\n"));
        server.WaitForLog(new(@"^str_echo: read error: Connection reset by peer \(ECONNRESET\)$"), 5000);
    }

    [Test]
    public void WorksAgainstANonDotNetEchoServer()
    {
        using var socat = SuperServer.Socat();
        byte[] input = new byte[1 << 20];
        new Random(4).NextBytes(input);
        var (code, output, stderr) = ClientProcess.Batch("echocli", input, 30000, "127.0.0.1", "--port", socat.Port.ToString());
        Assert.That(code, Is.EqualTo(0), stderr);
        Assert.That(output.AsSpan().SequenceEqual(input), Is.True);
    }
}
