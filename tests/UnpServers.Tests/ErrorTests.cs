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
        Assert.That(r.ExitCode, Is.Not.EqualTo(0));
        Assert.That(r.StdErr.Trim(), Is.EqualTo("bind error: Address already in use (EADDRINUSE)"));
    }

    [TestCase("--bogus", "unknown option '--bogus'")]
    [TestCase("-z", "unknown option '-z'")]
    [TestCase("--port=abc", "invalid value for --port")]
    [TestCase("--port", "option --port needs a value")]
    [TestCase("--port=70000", "--port must be 0..65535, not 70000")]
    [TestCase("--max-children=0", "--max-children must be 1 or more, not 0")]
    [TestCase("--reap=sometimes", "invalid value for --reap")]
    [TestCase("--idle-timeout=-1", "--idle-timeout must be 0 or more seconds, not -1")]
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

    [Test]
    public void AnUnknownBindAddressIsReported()
    {
        var r = Run.Program("echosrv", ["--bind", "no-such-host.invalid", "--port", "0"]);
        Assert.That(r.ExitCode, Is.EqualTo(1));
        Assert.That(r.StdErr.Trim(), Does.StartWith("tcp_listen error for no-such-host.invalid"));
    }
}
