// echosrv's command line (UNP 5.10 tcpserv04): its options and their help text.
using System.Globalization;
using CommandLine;
using UnpServers.Cli;
using UnpServers.Server;

namespace UnpServers.EchoSrv;

public sealed class Options : ServerArguments
{
    public static string UsageLine => "echosrv [--port N] [--bind ADDR] [--reap MODE] [--max-children N] [--idle-timeout S] [--keepalive S] [--user NAME] [--log FILE] [--exec | --inetd]";

    [Option('p', "port", Default = 9877, HelpText = "TCP port (UNP's SERV_PORT is 9877; 0 picks a free one).")]
    public int Port { get; set; }

    [Option("idle-timeout", Default = 0, HelpText = "A child closes a connection idle for S seconds (0: never).")]
    public int IdleTimeout { get; set; }

    [Option("exec", HelpText = "Fork, then exec a fresh echosrv --inetd with the connection on fd 0 and 1 (UNP 4.7; the runtime-supported pattern).")]
    public bool Exec { get; set; }

    // Interim (nofork helper): the "base" helper's --model/--workers replaces these two at merge.
    [Option("model", Default = "fork", HelpText = "Server design (UNP ch. 30): fork, thread, prethread, prethread-main, select, poll, epoll.")]
    public string Model { get; set; } = "fork";

    [Option("workers", Default = 0, HelpText = "Threads of the prethread designs (default 8).")]
    public int Workers { get; set; }

    public string? Validate()
    {
        if (Exec && Inetd) return "--exec and --inetd exclude each other";
        if (!ServerModels.TryParse(Model, out ServerModel model)) return $"--model must be one of {ServerModels.Available}, not '{Model}'";
        if (Exec && model != ServerModel.Fork) return $"--exec applies to --model fork only, not {Model}";
        if (Workers is < 0 or > 1024) return $"--workers must be 1..1024, not {Workers}";
        if (Workers > 0 && model is not (ServerModel.Prethread or ServerModel.PrethreadMain)) return $"--workers applies to the prethread models, not {Model}";
        if (model == ServerModel.Prethread && Environment.GetCommandLineArgs().Any(a => a == "--max-children" || a.StartsWith("--max-children=", StringComparison.Ordinal)))
            return "--max-children does not apply to --model prethread: its --workers threads serve one connection each";
        if (IdleTimeout < 0 || IdleTimeout > int.MaxValue / 1000) return $"--idle-timeout must be 0 or more seconds, not {IdleTimeout}";
        return ValidateServer(Port);
    }

    public ServerOptions ToServerOptions() => ServerOptions(Port) with
    {
        IdleTimeoutSeconds = IdleTimeout,
        Exec = Exec,
        Model = ServerModels.TryParse(Model, out ServerModel m) ? m : ServerModel.Fork,
        Workers = Workers,
        ExecArguments = InetdArguments("--idle-timeout", IdleTimeout.ToString(CultureInfo.InvariantCulture)),
    };
}
