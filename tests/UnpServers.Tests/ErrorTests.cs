using System.Net;
using System.Net.Sockets;
using UnpServers.Tests.Support;

namespace UnpServers.Tests;

/// <summary>Bad input gets a clear error: UNP-style for system calls, exit 64 for arguments.</summary>
[TestFixture]
public class ErrorTests
{
    [Test]
    public void APortInUseIsReportedTheUnpWay()
    {
        using var holder = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp) { DualMode = true };
        holder.Bind(new IPEndPoint(IPAddress.IPv6Any, 0));
        holder.Listen();
        int port = ((IPEndPoint)holder.LocalEndPoint!).Port;

        var r = Run.Program("echosrv", ["--port", port.ToString()]);
        Assert.That(r.ExitCode, Is.EqualTo(1));
        // With how to pick another: on a shared machine, someone else may hold the port (issue 21).
        Assert.That(r.StdErr.Trim(), Is.EqualTo($"bind error: Address already in use (EADDRINUSE): port {port} is taken; --port 0 takes a free one, shown in the \"listening on\" line"));
    }

    [TestCase("--bogus", "unknown option '--bogus'")]
    [TestCase("-z", "unknown option '-z'")]
    [TestCase("--port=abc", "invalid value for --port")]
    [TestCase("--port", "option --port needs a value")]
    [TestCase("--port=70000", "--port must be 0..65535, not 70000")]
    [TestCase("--max-children=0", "--max-children must be 1..65536, not 0")]
    [TestCase("--max-children=2147483647", "--max-children must be 1..65536, not 2147483647")]
    [TestCase("--log=", "option --log needs a value")]
    [TestCase("--reap=sometimes", "--reap must be one of waitpid, wait, none, ignore, not sometimes")]
    [TestCase("--idle-timeout=-1", "--idle-timeout must be 0..2147483 seconds, not -1")]
    [TestCase("--idle-timeout=99999999", "--idle-timeout must be 0..2147483 seconds, not 99999999")]
    [TestCase("--backlog=-1", "--backlog must be 0 or more, not -1")]
    [TestCase("stray", "unexpected argument 'stray'")]
    public void BadArgumentsExit64WithAOneLineReasonAndTheUsage(string arg, string reason)
    {
        var r = Run.Program("echosrv", [arg]);
        Assert.That(r.ExitCode, Is.EqualTo(64));
        string[] lines = r.StdErr.Split('\n');
        Assert.That(lines[0], Is.EqualTo("echosrv: " + reason));
        Assert.That(r.StdErr, Does.Contain("usage: echosrv"));
        Assert.That(r.StdOut, Is.Empty);
    }

    /// <summary>"--port -- 1": the parser drops the "--" and would take 1 as the port; the option has no value.</summary>
    [TestCase("echosrv")]
    [TestCase("daytimecli")]
    public void AValueOptionFollowedByDashDashNeedsAValue(string program)
    {
        var r = Run.Program(program, ["--port", "--", "1"]);
        Assert.That(r.ExitCode, Is.EqualTo(64), r.StdErr);
        Assert.That(r.StdErr.Split('\n')[0], Is.EqualTo(program + ": option --port needs a value"));
        Assert.That(r.StdErr, Does.Contain("usage: " + program));
    }

    [TestCase("echosrv", "--log", "", "--log must name a file")]
    [TestCase("echosrv", "--bind", "", "--bind must name an address or a host")]
    [TestCase("echosrv", "--inetd --log", "", "--log must name a file")]
    [TestCase("daytimesrv", "--fork --exec --log", "", "--log must name a file")]
    [TestCase("daytimesrv", "--bind", "", "--bind must name an address or a host")]
    [TestCase("echocli", "127.0.0.1 -n", "2147483647", "-n must be 1..10000, not 2147483647")]
    public void EmptyOrHugeValuesAreUsageErrorsNotStackTraces(string program, string options, string value, string reason)
    {
        var r = Run.Program(program, [.. options.Split(' '), value]);
        Assert.That(r.ExitCode, Is.EqualTo(64), r.StdErr);
        Assert.That(r.StdErr.Split('\n')[0], Is.EqualTo($"{program}: {reason}"));
        Assert.That(r.StdErr, Does.Contain($"usage: {program}").And.Not.Match(Run.StackTraceLine));
    }

    [Test]
    public void HelpAndVersionExit0OnStdout()
    {
        var help = Run.Program("echosrv", ["--help"]);
        Assert.That(help.ExitCode, Is.EqualTo(0));
        Assert.That(help.StdOut, Does.Contain("usage: echosrv").And.Contain("--max-children").And.Contain("--reap"));
        var version = Run.Program("echosrv", ["--version"]);
        Assert.That(version.ExitCode, Is.EqualTo(0));
        Assert.That(version.StdOut.Trim(), Does.Match(@"^echosrv \(UnpServers\) \d+\.\d+\.\d+$"));
    }

    [Test]
    public void TheListenqEnvironmentVariableOverridesTheBacklog()
    {
        // UNP 4.5's Listen wrapper: LISTENQ wins over the program's backlog. ss shows a listener's backlog as Send-Q.
        using var server = ServerProcess.Start("echosrv", ["--backlog", "100"], new Dictionary<string, string> { ["LISTENQ"] = "7" });
        var r = Run.Shell($"ss -Htln '( sport = :{server.Port} )'");
        Assert.That(r.StdOut.Split(' ', StringSplitOptions.RemoveEmptyEntries)[2], Is.EqualTo("7"), r.StdOut);
    }

    /// <summary>UNP's Listen takes LISTENQ with atoi(): "abc" would be a backlog of 0. Refused as --backlog -1 is.</summary>
    [TestCase("-5")]
    [TestCase("abc")]
    [TestCase("12x")]
    [TestCase("99999999999")]
    public void ABadListenqIsAUsageError(string listenq)
    {
        var r = Run.Command("env", [$"LISTENQ={listenq}", Repo.Program("echosrv"), "--port", "0"]);
        Assert.That(r.ExitCode, Is.EqualTo(64), r.StdErr);
        Assert.That(r.StdErr.Split('\n')[0], Is.EqualTo($"echosrv: LISTENQ must be a number, 0 or more, not '{listenq}'"));
        Assert.That(r.StdErr, Does.Contain("usage: echosrv"));
    }

    [Test]
    public void AnEmptyListenqIsUnset()
    {
        using var server = ServerProcess.Start("echosrv", ["--backlog", "100"], new Dictionary<string, string> { ["LISTENQ"] = "" });
        var r = Run.Shell($"ss -Htln '( sport = :{server.Port} )'");
        Assert.That(r.StdOut.Split(' ', StringSplitOptions.RemoveEmptyEntries)[2], Is.EqualTo("100"), r.StdOut);
    }

    /// <summary>Under a super-server, the options that listen, accept or choose the user mean nothing.</summary>
    [TestCase("echosrv", "--port 5", "--port")]
    [TestCase("echosrv", "--bind 127.0.0.1", "--bind")]
    [TestCase("echosrv", "--backlog 5", "--backlog")]
    [TestCase("echosrv", "--model fork", "--model")]
    [TestCase("echosrv", "--reap waitpid", "--reap")]
    [TestCase("echosrv", "--max-children 256", "--max-children")]
    [TestCase("echosrv", "--exec", "--exec")]
    [TestCase("daytimesrv", "--fork", "--fork")]
    [TestCase("daytimesrv", "--port 13", "--port")]
    public void InetdRefusesWhatOnlyAListeningServerMeans(string program, string args, string option)
    {
        var r = Run.Program(program, ["--inetd", .. args.Split(' ')], stdin: "");
        Assert.That(r.ExitCode, Is.EqualTo(64), r.StdErr);
        Assert.That(r.StdErr.Split('\n')[0], Is.EqualTo($"{program}: {option} does not apply to --inetd, which serves the one connection on stdin/stdout"));
        Assert.That(r.StdErr, Does.Contain("usage: " + program));
    }

    [Test]
    public void AnUnknownBindAddressIsReported()
    {
        var r = Run.Program("echosrv", ["--bind", "no-such-host.invalid", "--port", "0"]);
        Assert.That(r.ExitCode, Is.EqualTo(1));
        Assert.That(r.StdErr.Trim(), Does.StartWith("tcp_listen error for no-such-host.invalid"));
    }

    [Test]
    public void OutOfDescriptorsTheServerBacksOffAndLosesNoConnection()
    {
        using var server = ServerProcess.StartEcho();
        // Lower the parent's soft RLIMIT_NOFILE to its lowest free descriptor, so that the next
        // accept() fails with EMFILE. (The hard limit stays, so the soft one can go back up.)
        string soft = File.ReadLines($"/proc/{server.Pid}/limits").Single(l => l.StartsWith("Max open files"))
                          .Split(' ', StringSplitOptions.RemoveEmptyEntries)[3];
        int lowestFree = Enumerable.Range(0, 100_000).First(fd => !Path.Exists($"/proc/{server.Pid}/fd/{fd}"));
        var lower = Run.Command("prlimit", ["--pid", server.Pid.ToString(), $"--nofile={lowestFree}:"]);
        Assert.That(lower.ExitCode, Is.EqualTo(0), lower.StdErr);

        using var s = EchoClient.Connect(server.Port); // completed by the kernel, waiting in the backlog
        s.Send("waited\n"u8);
        server.WaitForLog(new(@"^accept error: Too many open files \(EMFILE\)$"), 5000);
        long first = Environment.TickCount64;
        // Back-off of 100 ms, doubling to 1.6 s: the 4th try comes 700 ms after the 1st, the 5th
        // 800 ms later still. Seen as soon as there are 4, there are not 6; a spinning loop logs thousands.
        Assert.That(Wait.Until(() => server.CountLog(new("EMFILE")) >= 4, 10000), Is.True, server.Log);
        long took = Environment.TickCount64 - first;
        Assert.That(server.CountLog(new("EMFILE")), Is.InRange(4, 5), server.Log);
        Assert.That(took, Is.GreaterThanOrEqualTo(300), "3 more tries cannot come before 100 + 200 + 400 ms (less what polling missed)");

        var raise = Run.Command("prlimit", ["--pid", server.Pid.ToString(), $"--nofile={soft}:"]);
        Assert.That(raise.ExitCode, Is.EqualTo(0), raise.StdErr);
        Assert.That(EchoClient.ReadExactly(s, 7), Is.EqualTo("waited\n"u8.ToArray()), "the waiting connection is served");
        using var next = EchoClient.Connect(server.Port);
        Assert.That(EchoClient.Line(next, "next"), Is.EqualTo("next\n"));
        Assert.That(server.CountLog(new(@"^connection from ")), Is.EqualTo(2), server.Log);
    }
}
