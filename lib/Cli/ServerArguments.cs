// The options every concurrent server shares, declared once. A program's Options class
// derives from this and adds its port (each has its own default) and its own switches.
using System.Globalization;
using CommandLine;
using UnpServers.Interop;
using UnpServers.Server;

namespace UnpServers.Cli;

public abstract class ServerArguments
{
    /// <summary>A server takes no positional argument: any is refused (see IProgramOptions).</summary>
    [Value(0, Hidden = true)]
    public IEnumerable<string> Unexpected { get; set; } = [];

    [Option('b', "bind", HelpText = "Address or host name to listen on (default: every address, IPv6 and IPv4).")]
    public string? Bind { get; set; }

    [Option("backlog", Default = 1024, HelpText = "listen() backlog (UNP's LISTENQ; the LISTENQ environment variable overrides it).")]
    public int Backlog { get; set; }

    [Option("reap", Default = ReapMode.Waitpid,
        HelpText = "How children are collected: waitpid (tcpserv04), wait (tcpserv03: zombies can remain), none (tcpserv01: zombies pile up), ignore (the kernel reaps).")]
    public ReapMode Reap { get; set; }

    [Option("max-children", Default = DefaultMaxChildren, HelpText = "At most N children at once; further connections wait in the backlog.")]
    public int MaxChildren { get; set; }

    [Option("log", HelpText = "Append log lines to FILE instead of stdout/stderr; SIGHUP reopens it.")]
    public string? Log { get; set; }

    [Option("user", HelpText = "After binding, drop to this user and its groups before accepting (as root).")]
    public string? User { get; set; }

    [Option("keepalive", Default = 0,
        HelpText = "UNP 7.5: SO_KEEPALIVE on each connection, probing after S idle seconds (then every S/3 s, 3 probes), so a client whose host vanished does not hold a child forever (0: off).")]
    public int Keepalive { get; set; }

    [Option("inetd", HelpText = "Serve the one connection already on stdin/stdout (under inetd, tcpserver, socat or systemd Accept=yes).")]
    public bool Inetd { get; set; }

    /// <summary>Internal, for the child of --exec: the parent that accepted the connection has logged its peer.</summary>
    [Option("peer-logged", Hidden = true)]
    public bool PeerLogged { get; set; }

    private int? _listenq;

    public const int DefaultMaxChildren = 256;

    /// <summary>More children than this is a typo, not a plan: the table of children is sized from it.</summary>
    public const int MaxChildrenLimit = 65536;

    /// <summary>--log FILE as the bytes the user typed (a file name need not be UTF-8), or null.</summary>
    public byte[]? LogPath => Log == null ? null : RawArguments.OptionValue("log", Log);

    /// <summary>The reason the shared options are wrong, or null.</summary>
    protected string? ValidateServer(int port)
    {
        if (port is < 0 or > 65535) return $"--port must be 0..65535, not {port}";
        if (Backlog < 0) return $"--backlog must be 0 or more, not {Backlog}";
        // UNP 4.5's Listen: LISTENQ, when set, overrides the program's backlog. Refused as --backlog
        // would be, rather than taken as C's atoi() takes it ("abc" is 0, "-5" is -5).
        string? listenq = Environment.GetEnvironmentVariable("LISTENQ");
        if (!Inetd && !string.IsNullOrEmpty(listenq))
        {
            if (!int.TryParse(listenq, NumberStyles.None, CultureInfo.InvariantCulture, out int n)) return $"LISTENQ must be a number, 0 or more, not '{listenq}'";
            _listenq = n;
        }
        if (User != null && User.Length == 0) return "--user must name a user";
        if (Inetd && User != null) return "--inetd serves stdin/stdout: --user does not apply (the super-server chooses the user)";
        if (MaxChildren is < 1 or > MaxChildrenLimit) return $"--max-children must be 1..{MaxChildrenLimit}, not {MaxChildren}";
        if (Log is "") return "--log must name a file";
        if (Bind is "") return "--bind must name an address or a host";
        if (Keepalive is < 0 or > LibC.MAX_TCP_KEEPIDLE) return $"--keepalive must be 0..{LibC.MAX_TCP_KEEPIDLE} seconds, not {Keepalive}";
        return null;
    }

    /// <summary>ServerOptions from the shared options; the program adds the rest with `with`.</summary>
    protected ServerOptions ServerOptions(int port) => new()
    {
        Port = port,
        Bind = Bind == null ? null : RawArguments.OptionValue("bind", Bind, 'b'),
        Backlog = _listenq ?? Backlog,
        Reap = Reap,
        MaxChildren = MaxChildren,
        LogFile = LogPath,
        User = User == null ? null : RawArguments.OptionValue("user", User),
        KeepaliveSeconds = Keepalive,
    };

    /// <summary>
    /// What an exec'd child is told (--exec): serve stdin/stdout in --inetd mode; the parent has
    /// logged the peer. No --log: it inherits the parent's log descriptor as its stderr instead of
    /// opening the path, which it could not do after --user (the file belongs to root).
    /// </summary>
    protected static string[] InetdArguments(params string[] more) => ["--inetd", "--peer-logged", .. more];
}
