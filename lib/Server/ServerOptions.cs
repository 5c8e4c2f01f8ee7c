// What a server was asked to do, from its command line: the settings ServerCore and the design run with.
using UnpServers.Interop;

namespace UnpServers.Server;

/// <summary>How the parent collects its children: the lessons of UNP 5.8 to 5.10.</summary>
public enum ReapMode
{
    /// <summary>tcpserv04: a waitpid(-1, WNOHANG) loop per SIGCHLD. No zombie survives.</summary>
    Waitpid,
    /// <summary>tcpserv03: one wait() per SIGCHLD. Signals are not queued, so zombies can remain.</summary>
    Wait,
    /// <summary>tcpserv01: nothing collects the children; every one becomes a zombie.</summary>
    None,
    /// <summary>SA_NOCLDWAIT: the kernel reaps, and the parent learns no exit status.</summary>
    Ignore,
}

/// <summary>
/// The server design: UNP chapter 30's rows (and 1.5, 6.8, 6.11). Each has one file in
/// lib/Server/Designs, named after it, and a name on the command line (ServerModels).
/// </summary>
public enum ServerModel
{
    /// <summary>UNP 1.5, 30.4: the parent itself, one client at a time (daytimetcpsrv).</summary>
    Iterative,
    /// <summary>UNP 5.10, 30.5: a child forked per connection (tcpserv04); --exec is its variant (UNP 4.7).</summary>
    Fork,
    /// <summary>UNP 30.6: N children forked at start, each blocking in accept() on the shared listener.</summary>
    Prefork,
    /// <summary>UNP 30.7: prefork, accept() serialised by an fcntl() record lock.</summary>
    PreforkFlock,
    /// <summary>UNP 30.8: prefork, accept() serialised by a process-shared pthread mutex.</summary>
    PreforkMutex,
    /// <summary>UNP 30.9: the parent accepts and passes each descriptor to an idle child.</summary>
    PreforkPass,
    /// <summary>UNP 30.10: one thread per connection.</summary>
    Thread,
    /// <summary>UNP 30.11: N threads, each accepting under a mutex.</summary>
    Prethread,
    /// <summary>UNP 30.12: the main thread accepts and hands the descriptor to N threads.</summary>
    PrethreadMain,
    /// <summary>UNP 6.8: one process, select() over every client (tcpservselect01).</summary>
    Select,
    /// <summary>UNP 6.11: one process, poll() over every client (tcpservpoll01).</summary>
    Poll,
    /// <summary>Beyond the book: one process, epoll over every client.</summary>
    Epoll,
}

/// <summary>The designs' names on the command line (--model NAME).</summary>
public static class ServerModels
{
    private static readonly (string Name, ServerModel Model)[] Names =
    [
        ("iterative", ServerModel.Iterative), ("fork", ServerModel.Fork),
        ("prefork", ServerModel.Prefork), ("prefork-flock", ServerModel.PreforkFlock),
        ("prefork-mutex", ServerModel.PreforkMutex), ("prefork-pass", ServerModel.PreforkPass),
        ("thread", ServerModel.Thread), ("prethread", ServerModel.Prethread), ("prethread-main", ServerModel.PrethreadMain),
        ("select", ServerModel.Select), ("poll", ServerModel.Poll), ("epoll", ServerModel.Epoll),
    ];

    public static string Name(ServerModel model) => Array.Find(Names, n => n.Model == model).Name;

    /// <summary>The model called name, if this build has it (ServerDesign.IsAvailable).</summary>
    public static bool TryParse(string name, out ServerModel model)
    {
        foreach (var (n, m) in Names)
        {
            if (n != name || !Designs.ServerDesign.IsAvailable(m)) continue;
            model = m;
            return true;
        }
        model = default;
        return false;
    }

    /// <summary>Every name this build accepts, for the usage line: "fork, prefork, ...".</summary>
    public static string Available
        => string.Join(", ", Names.Where(n => Designs.ServerDesign.IsAvailable(n.Model)).Select(n => n.Name));
}

/// <summary>
/// Settings of a concurrent server; the programs fill them from their options. Check holds
/// the rules about what goes with what, so they hold for every program that configures a server.
/// </summary>
public sealed record ServerOptions
{
    public const int DefaultBacklog = 1024;
    public const int DefaultMaxChildren = 256;
    /// <summary>More children than this is a typo, not a plan: the table of children is sized from it.</summary>
    public const int MaxChildrenLimit = 65536;
    /// <summary>Children or threads when --workers is not given (the book's runs use 3 to 15; the C reference prefork, 8).</summary>
    public const int DefaultWorkers = 8;
    /// <summary>More workers than this is a typo, not a plan.</summary>
    public const int MaxWorkers = 1024;
    /// <summary>poll() takes its time-out in milliseconds, as an int.</summary>
    public const int MaxIdleTimeoutSeconds = int.MaxValue / 1000;

    /// <summary>The address or name to listen on, as bytes (a name need not be UTF-8); null: every address.</summary>
    public byte[]? Bind { get; init; }
    public int Port { get; init; }
    public int Backlog { get; init; } = DefaultBacklog;

    /// <summary>--reap as given, or null: not given.</summary>
    public ReapMode? ReapOption { get; init; }
    public ReapMode Reap => ReapOption ?? ReapMode.Waitpid;

    /// <summary>--max-children as given, or null: not given.</summary>
    public int? MaxChildrenOption { get; init; }
    public int MaxChildren => MaxChildrenOption ?? DefaultMaxChildren;

    /// <summary>--workers as given, or null: not given.</summary>
    public int? WorkersOption { get; init; }
    /// <summary>Processes or threads a pre-forked or pre-threaded design starts.</summary>
    public int Workers => WorkersOption ?? DefaultWorkers;

    public int IdleTimeoutSeconds { get; init; }
    /// <summary>UNP 7.5: SO_KEEPALIVE with this idle time on each accepted socket (0: off).</summary>
    public int KeepaliveSeconds { get; init; }
    /// <summary>--log FILE, as bytes: the name the user gave, whatever its encoding.</summary>
    public byte[]? LogFile { get; init; }
    public ServerModel Model { get; init; } = ServerModel.Fork;
    /// <summary>How the program's command line names a design, for Check's reasons: "--model prefork", "--fork".</summary>
    public Func<ServerModel, string> ModelOption { get; init; } = m => "--model " + ServerModels.Name(m);
    /// <summary>ServerModel.Fork only: the child execs this program (--inetd mode) on the connection (UNP 4.7).</summary>
    public bool Exec { get; init; }
    /// <summary>With Exec: the arguments after argv[0] of the exec'd program (its --inetd mode).</summary>
    public IReadOnlyList<string> ExecArguments { get; init; } = [];
    /// <summary>Drop to this user (and its groups) after binding, before accepting; bytes, as given.</summary>
    public byte[]? User { get; init; }

    private static bool Preforked(ServerModel m)
        => m is ServerModel.Prefork or ServerModel.PreforkFlock or ServerModel.PreforkMutex or ServerModel.PreforkPass;

    /// <summary>
    /// Why these settings do not go together, in one line naming the options, or null. An option
    /// that means nothing for the design is refused even with its default value: it was asked for.
    /// </summary>
    public string? Check()
    {
        string design = ModelOption(Model);
        if (Port is < 0 or > 65535) return $"--port must be 0..65535, not {Port}";
        if (Backlog < 0) return $"--backlog must be 0 or more, not {Backlog}";
        if (WorkersOption is int workers)
        {
            if (!Preforked(Model) && Model is not (ServerModel.Prethread or ServerModel.PrethreadMain))
                return $"--workers does not apply to {design}: only the pre-forked and pre-threaded designs start workers";
            if (workers is < 1 or > MaxWorkers) return $"--workers must be 1..{MaxWorkers}, not {workers}";
        }
        if (ReapOption != null && Model != ServerModel.Fork)
            return $"--reap does not apply to {design}: " + (Preforked(Model) ? "it reaps with waitpid, to replace its children" : "it has no children");
        if (MaxChildrenOption is int max)
        {
            string? why = Model switch
            {
                ServerModel.Iterative => "it serves one client at a time",
                ServerModel.Prethread => "its --workers threads serve one connection each",
                _ when Preforked(Model) => "its --workers children are its limit",
                _ => null,
            };
            if (why != null) return $"--max-children does not apply to {design}: {why}";
            if (max is < 1 or > MaxChildrenLimit) return $"--max-children must be 1..{MaxChildrenLimit}, not {max}";
        }
        if (Exec && Model != ServerModel.Fork) return $"--exec does not apply to {design}: it is a variant of {ModelOption(ServerModel.Fork)} (UNP 4.7)";
        if (IdleTimeoutSeconds is < 0 or > MaxIdleTimeoutSeconds) return $"--idle-timeout must be 0..{MaxIdleTimeoutSeconds} seconds, not {IdleTimeoutSeconds}";
        if (KeepaliveSeconds is < 0 or > LibC.MAX_TCP_KEEPIDLE) return $"--keepalive must be 0..{LibC.MAX_TCP_KEEPIDLE} seconds, not {KeepaliveSeconds}";
        if (User is { Length: 0 }) return "--user must name a user";
        if (LogFile is { Length: 0 }) return "--log must name a file";
        if (Bind is { Length: 0 }) return "--bind must name an address or a host";
        return null;
    }
}
