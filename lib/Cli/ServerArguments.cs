// The options every concurrent server shares, declared once. A program's Options class
// derives from this and adds its port (each has its own default) and its own switches.
using System.Globalization;
using CommandLine;
using UnpServers.Server;

namespace UnpServers.Cli;

public abstract class ServerArguments
{
    /// <summary>A server takes no positional argument: any is refused (see IProgramOptions).</summary>
    [Value(0, Hidden = true)]
    public IEnumerable<string> Unexpected { get; set; } = [];

    [Option('b', "bind", HelpText = "Address or host name to listen on (default: every address, IPv6 and IPv4).")]
    public string? Bind { get; set; }

    [Option("backlog", Default = ServerOptions.DefaultBacklog,
        HelpText = "listen() backlog (UNP 4.5); the LISTENQ environment variable, when set, overrides it, as in UNP's Listen.")]
    public int Backlog { get; set; }

    [Option("reap", Default = "waitpid",
        HelpText = "How children are collected: waitpid (tcpserv04), wait (tcpserv03: zombies can remain), none (tcpserv01: zombies pile up), ignore (the kernel reaps).")]
    public string Reap { get; set; } = "waitpid";

    [Option("max-children", Default = ServerOptions.DefaultMaxChildren,
        HelpText = "At most N children at once (1..65536); further connections wait in the backlog.")]
    public int MaxChildren { get; set; }

    [Option("log", HelpText = "Append log lines to FILE instead of stdout/stderr; SIGHUP reopens it.")]
    public string? Log { get; set; }

    [Option("user", HelpText = "As root: after binding, drop to this user and its groups before accepting.")]
    public string? User { get; set; }

    [Option("keepalive", Default = 0,
        HelpText = "UNP 7.5: SO_KEEPALIVE on each connection, probing after S idle seconds (then every S/3 s, 3 probes), so a client whose host vanished does not hold a child forever (0: off).")]
    public int Keepalive { get; set; }

    [Option("inetd", HelpText = "Serve the one connection already on stdin/stdout (under inetd, tcpserver, socat or systemd Accept=yes).")]
    public bool Inetd { get; set; }

    /// <summary>Internal, for the child of --exec: the parent that accepted the connection has logged its peer.</summary>
    [Option("peer-logged", Hidden = true)]
    public bool PeerLogged { get; set; }

    /// <summary>The options that mean nothing under --inetd: the super-server listens, accepts and chooses the user.</summary>
    private static readonly string[] ListeningOptions = ["port", "bind", "backlog", "reap", "max-children", "user"];

    private IReadOnlySet<string> _given = new HashSet<string>();

    /// <summary>See IProgramOptions.Given.</summary>
    public void Given(IReadOnlySet<string> longNames) => _given = longNames;

    protected bool IsGiven(string longName) => _given.Contains(longName);

    /// <summary>--log FILE as the bytes the user typed (a file name need not be UTF-8), or null.</summary>
    public byte[]? LogPath => Log == null ? null : RawArguments.OptionValue("log", Log);

    /// <summary>
    /// The reason the shared options are wrong, or null; then server is what they ask for, with the
    /// program's own options added by own. ownListening: the program's options that --inetd refuses.
    /// </summary>
    protected string? ValidateServer(int port, Func<ServerOptions, ServerOptions> own, string[] ownListening, out ServerOptions server)
    {
        server = null!;
        if (Inetd && ListeningOptions.Concat(ownListening).FirstOrDefault(IsGiven) is string name)
            return $"--{name} does not apply to --inetd, which serves the one connection on stdin/stdout";
        if (!Arguments.TryParseName(Reap, out ReapMode reap)) return $"--reap must be one of {Arguments.Names<ReapMode>()}, not {Reap}";
        int backlog = Backlog;
        // UNP 4.5's Listen: LISTENQ, when set, overrides the program's backlog. Refused as --backlog
        // would be, rather than taken as C's atoi() takes it ("abc" is 0, "-5" is -5).
        string? listenq = Environment.GetEnvironmentVariable("LISTENQ");
        if (!Inetd && !string.IsNullOrEmpty(listenq) && !int.TryParse(listenq, NumberStyles.None, CultureInfo.InvariantCulture, out backlog))
            return $"LISTENQ must be a number, 0 or more, not '{listenq}'";
        server = own(new ServerOptions
        {
            Port = port,
            Bind = Bind == null ? null : RawArguments.OptionValue("bind", Bind, 'b'),
            Backlog = backlog,
            ReapOption = IsGiven("reap") ? reap : null,
            MaxChildrenOption = IsGiven("max-children") ? MaxChildren : null,
            LogFile = LogPath,
            User = User == null ? null : RawArguments.OptionValue("user", User),
            KeepaliveSeconds = Keepalive,
        });
        return server.Check();
    }

    /// <summary>
    /// What an exec'd child is told (--exec): serve stdin/stdout in --inetd mode; the parent has
    /// logged the peer. No --log: it inherits the parent's log descriptor as its stderr instead of
    /// opening the path, which it could not do after --user (the file belongs to root).
    /// </summary>
    protected static string[] InetdArguments(params string[] more) => ["--inetd", "--peer-logged", .. more];
}
