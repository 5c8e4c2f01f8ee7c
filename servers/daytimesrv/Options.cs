using CommandLine;
using UnpServers.Cli;
using UnpServers.Server;

namespace UnpServers.DaytimeSrv;

public sealed class Options : ServerArguments
{
    public static string UsageLine => "daytimesrv [--port N] [--bind ADDR] [--fork [--exec]] [--user NAME] [--log FILE] | --inetd";

    [Option('p', "port", Default = 13, HelpText = "TCP port (13 is daytime's, RFC 867, and needs root; 0 picks a free one).")]
    public int Port { get; set; }

    [Option("fork", HelpText = "Serve each client in a forked child (UNP 4.8) instead of one at a time (UNP 1.5); --reap and --max-children apply.")]
    public bool Fork { get; set; }

    [Option("exec", HelpText = "With --fork: the child execs a fresh daytimesrv --inetd with the connection on fd 0 and 1.")]
    public bool Exec { get; set; }

    public string? Validate()
    {
        if (Exec && !Fork) return "--exec needs --fork (the child is what execs)";
        if (Inetd && Fork) return "--inetd serves stdin/stdout: --fork does not apply";
        return ValidateServer(Port);
    }

    public ServerOptions ToServerOptions() => ServerOptions(Port) with
    {
        Concurrency = !Fork ? Concurrency.Iterative : Exec ? Concurrency.Exec : Concurrency.Fork,
        ExecArguments = InetdArguments(),
    };
}
