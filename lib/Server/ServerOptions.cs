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

/// <summary>Settings of a concurrent server; the programs fill them from their options.</summary>
public sealed record ServerOptions
{
    public string? Bind { get; init; }
    public int Port { get; init; }
    public int Backlog { get; init; } = 1024;
    public ReapMode Reap { get; init; } = ReapMode.Waitpid;
    public int MaxChildren { get; init; } = 256;
    public int IdleTimeoutSeconds { get; init; }
    public string? LogFile { get; init; }
}
