// What a server was asked to do, from its command line: the settings ConcurrentServer runs with.
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

/// <summary>Who serves a connection: UNP's iterative server (1.5), fork (4.8), or fork and exec (4.7, 13.5).</summary>
public enum Concurrency
{
    /// <summary>The parent itself, one client at a time (daytimetcpsrv).</summary>
    Iterative,
    /// <summary>A forked child running this program's service (tcpserv04).</summary>
    Fork,
    /// <summary>A forked child that execs this program again, with the connection on fd 0 and 1.</summary>
    Exec,
}

/// <summary>Settings of a concurrent server; the programs fill them from their options.</summary>
public sealed record ServerOptions
{
    public string? Bind { get; init; }
    public int Port { get; init; }
    public int Backlog { get; init; } = 1024;
    public ReapMode Reap { get; init; } = ReapMode.Waitpid;
    public int MaxChildren { get; init; } = 256;
    public int IdleTimeoutSeconds { get; init; }
    /// <summary>UNP 7.5: SO_KEEPALIVE with this idle time on each accepted socket (0: off).</summary>
    public int KeepaliveSeconds { get; init; }
    /// <summary>--log FILE, as bytes: the name the user gave, whatever its encoding.</summary>
    public byte[]? LogFile { get; init; }
    public Concurrency Concurrency { get; init; } = Concurrency.Fork;
    /// <summary>With Concurrency.Exec: the arguments after argv[0] of the exec'd program (its --inetd mode).</summary>
    public IReadOnlyList<string> ExecArguments { get; init; } = [];
    /// <summary>Drop to this user (and its groups) after binding, before accepting.</summary>
    public string? User { get; init; }
}
