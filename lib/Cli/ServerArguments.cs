// The options every concurrent server shares, declared once. A program's Options class
// derives from this and adds its port (each has its own default) and its own switches.
using CommandLine;
using UnpServers.Interop;
using UnpServers.Server;

namespace UnpServers.Cli;

public abstract class ServerArguments
{
    [Option('b', "bind", HelpText = "Address or host name to listen on (default: every address, IPv6 and IPv4).")]
    public string? Bind { get; set; }

    [Option("backlog", Default = 1024, HelpText = "listen() backlog (UNP's LISTENQ; the LISTENQ environment variable overrides it).")]
    public int Backlog { get; set; }

    [Option("reap", Default = ReapMode.Waitpid,
        HelpText = "How children are collected: waitpid (tcpserv04), wait (tcpserv03: zombies can remain), none (tcpserv01: zombies pile up), ignore (the kernel reaps).")]
    public ReapMode Reap { get; set; }

    [Option("max-children", Default = 256, HelpText = "At most N children at once; further connections wait in the backlog.")]
    public int MaxChildren { get; set; }

    [Option("log", HelpText = "Append log lines to FILE instead of stdout/stderr; SIGHUP reopens it.")]
    public string? Log { get; set; }

    [Option("keepalive", Default = 0,
        HelpText = "UNP 7.5: SO_KEEPALIVE on each connection, probing after S idle seconds (then every S/3 s, 3 probes), so a client whose host vanished does not hold a child forever (0: off).")]
    public int Keepalive { get; set; }

    [Option("inetd", HelpText = "Serve the one connection already on stdin/stdout (under inetd, tcpserver, socat or systemd Accept=yes).")]
    public bool Inetd { get; set; }

    /// <summary>The reason the shared options are wrong, or null.</summary>
    protected string? ValidateServer(int port)
    {
        if (port is < 0 or > 65535) return $"--port must be 0..65535, not {port}";
        if (Backlog < 0) return $"--backlog must be 0 or more, not {Backlog}";
        if (MaxChildren < 1) return $"--max-children must be 1 or more, not {MaxChildren}";
        if (Keepalive is < 0 or > LibC.MAX_TCP_KEEPIDLE) return $"--keepalive must be 0..{LibC.MAX_TCP_KEEPIDLE} seconds, not {Keepalive}";
        return null;
    }

    /// <summary>ServerOptions from the shared options; the program adds the rest with `with`.</summary>
    protected ServerOptions ServerOptions(int port) => new()
    {
        Port = port,
        Bind = Bind,
        Backlog = Backlog,
        Reap = Reap,
        MaxChildren = MaxChildren,
        LogFile = Log,
        KeepaliveSeconds = Keepalive,
    };

    /// <summary>What an exec'd child is told (--exec): serve stdin/stdout in --inetd mode, logging where we do.</summary>
    protected string[] InetdArguments(params string[] more)
    {
        var a = new List<string> { "--inetd" };
        a.AddRange(more);
        if (Log != null) a.AddRange(["--log", Path.GetFullPath(Log)]);
        return [.. a];
    }
}
