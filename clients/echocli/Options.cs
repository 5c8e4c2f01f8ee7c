// echocli's command line (UNP 5.4 tcpcli01): its options and their help text.
using CommandLine;
using UnpServers.Cli;
using UnpServers.Clients;

namespace UnpServers.EchoCli;

public sealed class Options : IProgramOptions
{
    public static string UsageLine => "echocli HOST [--port N] [-n N | --sigpipe-demo [--sigpipe ignore|default] | --linger0 | --blocking] [--keepalive S]";

    [Value(1, Hidden = true)] // the positional arguments beyond those declared: refused
    public IEnumerable<string> Unexpected { get; set; } = [];

    [Value(0, MetaName = "HOST", Required = true, HelpText = "Server: IPv4 or IPv6 address, or a name (every address is tried in turn).")]
    public string Host { get; set; } = "";

    [Option('p', "port", Default = 9877, HelpText = "Server port (UNP's SERV_PORT).")]
    public int Port { get; set; }

    [Option('n', "connections", Default = 1,
        HelpText = "UNP 5.8 tcpcli04: open N connections (at most 10000), send one line on each, half-close them all at once, then read the echoes (the zombie lesson).")]
    public int Connections { get; set; }

    [Option("sigpipe-demo",
        HelpText = "UNP 5.13 tcpcli11: write each line as 1 byte, sleep 1 s, then the rest. After the server's child is killed, the second write meets a RST.")]
    public bool SigpipeDemo { get; set; }

    [Option("sigpipe", Default = "ignore",
        HelpText = "ignore: a write to a reset socket reports EPIPE; default: the process dies of SIGPIPE (exit 141).")]
    public string Sigpipe { get; set; } = "ignore";

    private SigpipeAction _sigpipe;

    [Option("linger0", HelpText = "UNP 7.5: at EOF, close with SO_LINGER {1, 0}, so the server's child reads a RST (ECONNRESET), not a FIN.")]
    public bool Linger0 { get; set; }

    [Option("blocking", HelpText = "UNP 5.5 tcpcli01: read a line, write it, read its echo, blocking in each call (no poll), so a server's FIN is seen only at the next line.")]
    public bool Blocking { get; set; }

    [Option("keepalive", Default = 0, HelpText = "UNP 7.5: SO_KEEPALIVE, probing after S idle seconds (then every S/3 s, 3 probes); a server host that vanished is reported as ETIMEDOUT (0: off).")]
    public int Keepalive { get; set; }

    public string? Validate()
    {
        if (string.IsNullOrWhiteSpace(Host)) return "HOST must not be empty";
        if (!Arguments.TryParseName(Sigpipe, out _sigpipe)) return $"--sigpipe must be one of {Arguments.Names<SigpipeAction>()}, not {Sigpipe}";
        if (Port is < 1 or > 65535) return $"--port must be 1..65535, not {Port}";
        if (Connections is < 1 or > ManyConnections.Max) return $"-n must be 1..{ManyConnections.Max}, not {Connections}"; // one descriptor each
        if (Connections > 1 && (SigpipeDemo || Linger0)) return "-n cannot be combined with --sigpipe-demo or --linger0";
        if (SigpipeDemo && Linger0) return "--sigpipe-demo and --linger0 are separate lessons; choose one";
        if (Blocking && (Connections > 1 || SigpipeDemo || Linger0)) return "--blocking is tcpcli01's str_cli; it cannot be combined with -n, --sigpipe-demo or --linger0";
        if (Keepalive is < 0 or > UnpServers.Interop.LibC.MAX_TCP_KEEPIDLE) return $"--keepalive must be 0..{UnpServers.Interop.LibC.MAX_TCP_KEEPIDLE} seconds, not {Keepalive}";
        if (Keepalive > 0 && Connections > 1) return "--keepalive applies to one connection; it cannot be combined with -n";
        return null;
    }

    public EchoClientOptions ToClientOptions() => new()
    {
        Host = Host,
        Port = Port,
        Connections = Connections,
        SigpipeDemo = SigpipeDemo,
        Sigpipe = _sigpipe,
        Linger0 = Linger0,
        Blocking = Blocking,
        KeepaliveSeconds = Keepalive,
    };
}
