// echosrv's command line (UNP 5.10 tcpserv04): its options and their help text.
using System.Globalization;
using CommandLine;
using UnpServers.Cli;
using UnpServers.Server;

namespace UnpServers.EchoSrv;

public sealed class Options : ServerArguments, IProgramOptions
{
    public static string UsageLine => "echosrv [--port N] [--bind ADDR] [--model NAME [--workers N]] [--reap MODE] [--max-children N] [--idle-timeout S] [--keepalive S] [--user NAME] [--log FILE] [--exec | --inetd]";

    /// <summary>More workers than this is a typo, not a plan.</summary>
    public const int MaxWorkers = 1024;

    [Option('p', "port", Default = 9877, HelpText = "TCP port (UNP's SERV_PORT is 9877; 0 picks a free one).")]
    public int Port { get; set; }

    [Option("idle-timeout", Default = 0, HelpText = "A child closes a connection idle for S seconds (0: never).")]
    public int IdleTimeout { get; set; }

    [Option("exec", HelpText = "Fork, then exec a fresh echosrv --inetd with the connection on fd 0 and 1 (UNP 4.7; the runtime-supported pattern).")]
    public bool Exec { get; set; }

    [Option("model", Default = "fork", HelpText = "The server design (UNP ch. 30): fork (30.5), iterative (30.4), prefork (30.6), prefork-flock (30.7), prefork-mutex (30.8), prefork-pass (30.9), thread (30.10), prethread (30.11), prethread-main (30.12), select (6.8), poll (6.11), epoll.")]
    public string Model { get; set; } = "fork";

    [Option("workers", Default = 0, HelpText = "Children a pre-forked design starts and keeps, or threads a pre-threaded one starts (default 8).")]
    public int Workers { get; set; }

    private ServerModel _model;

    private bool Preforked => _model is ServerModel.Prefork or ServerModel.PreforkFlock or ServerModel.PreforkMutex or ServerModel.PreforkPass;

    private bool Prethreaded => _model is ServerModel.Prethread or ServerModel.PrethreadMain;

    /// <summary>The designs that never fork (UNP 30.10-30.12, 6.8, 6.11, epoll): no children to reap.</summary>
    private bool NoFork => Prethreaded || _model is ServerModel.Thread or ServerModel.Select or ServerModel.Poll or ServerModel.Epoll;

    public string? Validate()
    {
        if (Exec && Inetd) return "--exec and --inetd exclude each other";
        if (!ServerModels.TryParse(Model, out _model)) return $"--model must be one of {ServerModels.Available}, not {Model}";
        if (Exec && _model != ServerModel.Fork) return $"--exec is a variant of --model fork, not of {Model}";
        if (Workers != 0 && !Preforked && !Prethreaded) return $"--workers applies to the pre-forked and pre-threaded designs, not to --model {Model}";
        if (Workers is < 0 or > MaxWorkers) return $"--workers must be 1..{MaxWorkers}, not {Workers}";
        if (Preforked && Reap != ReapMode.Waitpid) return $"--reap applies to --model fork: --model {Model} reaps with waitpid, to replace its children";
        if (Preforked && MaxChildren != DefaultMaxChildren) return $"--max-children applies to --model fork: --model {Model} runs --workers children";
        if (NoFork && Reap != ReapMode.Waitpid) return $"--reap applies to --model fork: --model {Model} has no children";
        if (_model == ServerModel.Prethread && MaxChildren != DefaultMaxChildren) return "--max-children does not apply to --model prethread: its --workers threads serve one connection each";
        if (IdleTimeout < 0 || IdleTimeout > int.MaxValue / 1000) return $"--idle-timeout must be 0 or more seconds, not {IdleTimeout}";
        return ValidateServer(Port);
    }

    public ServerOptions ToServerOptions() => ServerOptions(Port) with
    {
        IdleTimeoutSeconds = IdleTimeout,
        Model = _model,
        Workers = Workers,
        Exec = Exec,
        ExecArguments = InetdArguments("--idle-timeout", IdleTimeout.ToString(CultureInfo.InvariantCulture)),
    };
}
