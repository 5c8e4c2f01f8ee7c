// echosrv's command line (UNP 5.10 tcpserv04): its options and their help text.
using System.Globalization;
using CommandLine;
using UnpServers.Cli;
using UnpServers.Server;

namespace UnpServers.EchoSrv;

public sealed class Options : ServerArguments, IProgramOptions
{
    public static string UsageLine =>
        "echosrv [--port N] [--bind ADDR] [--backlog N] [--model NAME [--workers N]] [--reap MODE] [--max-children N] [--idle-timeout S] [--user NAME] [--keepalive S] [--log FILE] [--exec]\n"
      + "echosrv --inetd [--idle-timeout S] [--keepalive S] [--log FILE]";

    [Option('p', "port", Default = 9877, HelpText = "TCP port (UNP's SERV_PORT is 9877; 0 picks a free one).")]
    public int Port { get; set; }

    [Option("idle-timeout", Default = 0, HelpText = "Close a connection idle for S seconds: nothing to read, or an echo the client has not read (0: never).")]
    public int IdleTimeout { get; set; }

    [Option("exec", HelpText = "Fork, then exec a fresh echosrv --inetd with the connection on fd 0 and 1 (UNP 4.7; the runtime-supported pattern).")]
    public bool Exec { get; set; }

    [Option("model", Default = "fork", HelpText = "The server design (UNP ch. 30): fork (30.5), iterative (30.4), prefork (30.6), prefork-flock (30.7), prefork-mutex (30.8), prefork-pass (30.9), thread (30.10), prethread (30.11), prethread-main (30.12), select (6.8), poll (6.11), epoll.")]
    public string Model { get; set; } = "fork";

    [Option("workers", Default = ServerOptions.DefaultWorkers, HelpText = "The pre-forked and pre-threaded designs only: the children (or threads) started at once and kept (1..1024).")]
    public int Workers { get; set; }

    private ServerOptions _server = null!;

    public string? Validate()
    {
        if (!ServerModels.TryParse(Model, out ServerModel model)) return $"--model must be one of {ServerModels.Available}, not {Model}";
        return ValidateServer(Port, s => s with
        {
            Model = model,
            WorkersOption = IsGiven("workers") ? Workers : null,
            IdleTimeoutSeconds = IdleTimeout,
            Exec = Exec,
            ExecArguments = InetdArguments("--idle-timeout", IdleTimeout.ToString(CultureInfo.InvariantCulture)),
        }, ["model", "workers", "exec"], out _server);
    }

    public ServerOptions ToServerOptions() => _server;
}
