using CommandLine;
using UnpServers.Server;

namespace UnpServers.DaytimeSrv;

public sealed class Options
{
    public static string UsageLine => "daytimesrv [--port N] [--bind ADDR] [--fork [--exec]] [--user NAME] [--log FILE] | --inetd";

    [Option('p', "port", Default = 13, HelpText = "TCP port (13 is daytime's, RFC 867, and needs root; 0 picks a free one).")]
    public int Port { get; set; }

    [Option('b', "bind", HelpText = "Address or host name to listen on (default: every address, IPv6 and IPv4).")]
    public string? Bind { get; set; }

    [Option("backlog", Default = 1024, HelpText = "listen() backlog (the LISTENQ environment variable overrides it).")]
    public int Backlog { get; set; }

    [Option("fork", HelpText = "Serve each client in a forked child (UNP 4.8) instead of one at a time (UNP 1.5).")]
    public bool Fork { get; set; }

    [Option("exec", HelpText = "With --fork: the child execs a fresh daytimesrv --inetd with the connection on fd 0 and 1.")]
    public bool Exec { get; set; }

    [Option("inetd", HelpText = "Serve the one connection already on stdin/stdout (under inetd, tcpserver, socat or systemd Accept=yes).")]
    public bool Inetd { get; set; }

    [Option("user", HelpText = "After binding, drop to this user and its groups before accepting.")]
    public string? User { get; set; }

    [Option("reap", Default = ReapMode.Waitpid, HelpText = "With --fork: waitpid, wait, none or ignore, as for echosrv.")]
    public ReapMode Reap { get; set; }

    [Option("max-children", Default = 256, HelpText = "With --fork: at most N children at once.")]
    public int MaxChildren { get; set; }

    [Option("log", HelpText = "Append log lines to FILE instead of stdout/stderr; SIGHUP reopens it.")]
    public string? Log { get; set; }

    public string? Validate()
    {
        if (Port is < 0 or > 65535) return $"--port must be 0..65535, not {Port}";
        if (Backlog < 0) return $"--backlog must be 0 or more, not {Backlog}";
        if (MaxChildren < 1) return $"--max-children must be 1 or more, not {MaxChildren}";
        if (Exec && !Fork) return "--exec needs --fork (the child is what execs)";
        if (Inetd && (Fork || User != null)) return "--inetd serves stdin/stdout: --fork and --user do not apply";
        if (User != null && User.Length == 0) return "--user must name a user";
        return null;
    }

    public ServerOptions ToServerOptions() => new()
    {
        Port = Port,
        Bind = Bind,
        Backlog = Backlog,
        Reap = Reap,
        MaxChildren = MaxChildren,
        LogFile = Log,
        User = User,
        Concurrency = !Fork ? Concurrency.Iterative : Exec ? Concurrency.Exec : Concurrency.Fork,
        ExecArguments = Log == null ? ["--inetd"] : ["--inetd", "--log", Path.GetFullPath(Log)],
    };
}
