using CommandLine;
using UnpServers.Server;

namespace UnpServers.EchoSrv;

public sealed class Options
{
    public static string UsageLine => "echosrv [--port N] [--bind ADDR] [--reap MODE] [--max-children N] [--idle-timeout S] [--log FILE] [--exec | --inetd]";

    [Option('p', "port", Default = 9877, HelpText = "TCP port (UNP's SERV_PORT is 9877; 0 picks a free one).")]
    public int Port { get; set; }

    [Option('b', "bind", HelpText = "Address or host name to listen on (default: every address, IPv6 and IPv4).")]
    public string? Bind { get; set; }

    [Option("backlog", Default = 1024, HelpText = "listen() backlog (UNP's LISTENQ; the LISTENQ environment variable overrides it).")]
    public int Backlog { get; set; }

    [Option("reap", Default = ReapMode.Waitpid,
        HelpText = "How children are collected: waitpid (tcpserv04), wait (tcpserv03: zombies can remain), none (tcpserv01: zombies pile up), ignore (the kernel reaps).")]
    public ReapMode Reap { get; set; }

    [Option("max-children", Default = 256, HelpText = "At most N children at once; further connections wait in the backlog.")]
    public int MaxChildren { get; set; }

    [Option("idle-timeout", Default = 0, HelpText = "A child closes a connection idle for S seconds (0: never).")]
    public int IdleTimeout { get; set; }

    [Option("log", HelpText = "Append log lines to FILE instead of stdout/stderr; SIGHUP reopens it.")]
    public string? Log { get; set; }

    [Option("exec", HelpText = "Fork, then exec a fresh echosrv --inetd with the connection on fd 0 and 1 (UNP 4.7; the runtime-supported pattern).")]
    public bool Exec { get; set; }

    [Option("inetd", HelpText = "Serve the one connection already on stdin/stdout (under inetd, tcpserver, socat or systemd Accept=yes).")]
    public bool Inetd { get; set; }

    public string? Validate()
    {
        if (Exec && Inetd) return "--exec and --inetd exclude each other";
        if (Port is < 0 or > 65535) return $"--port must be 0..65535, not {Port}";
        if (Backlog < 0) return $"--backlog must be 0 or more, not {Backlog}";
        if (MaxChildren < 1) return $"--max-children must be 1 or more, not {MaxChildren}";
        if (IdleTimeout < 0 || IdleTimeout > int.MaxValue / 1000) return $"--idle-timeout must be 0 or more seconds, not {IdleTimeout}";
        return null;
    }

    public ServerOptions ToServerOptions() => new()
    {
        Port = Port,
        Bind = Bind,
        Backlog = Backlog,
        Reap = Reap,
        MaxChildren = MaxChildren,
        IdleTimeoutSeconds = IdleTimeout,
        LogFile = Log,
        Concurrency = Exec ? Concurrency.Exec : Concurrency.Fork,
        ExecArguments = InetdArguments(),
    };

    /// <summary>What an exec'd child is told: serve stdin/stdout, with the same timeout and log.</summary>
    private string[] InetdArguments()
    {
        var a = new List<string> { "--inetd", "--idle-timeout", IdleTimeout.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (Log != null) a.AddRange(["--log", Path.GetFullPath(Log)]);
        return [.. a];
    }
}
