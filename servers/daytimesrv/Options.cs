// daytimesrv's command line (UNP 1.5, 4.8): its options and their help text.
using System.Globalization;
using CommandLine;
using UnpServers.Cli;
using UnpServers.Server;

namespace UnpServers.DaytimeSrv;

public sealed class Options : ServerArguments, IProgramOptions
{
    public static string UsageLine =>
        "daytimesrv [--port N] [--bind ADDR] [--backlog N] [--fork [--exec] [--reap MODE] [--max-children N]] [--user NAME] [--keepalive S] [--write-size N] [--log FILE]\n"
      + "daytimesrv --inetd [--keepalive S] [--write-size N] [--log FILE]";

    [Option('p', "port", Default = 13, HelpText = "TCP port (13 is daytime's, RFC 867, and needs root; 0 picks a free one).")]
    public int Port { get; set; }

    [Option("fork", HelpText = "Serve each client in a forked child (UNP 4.8) instead of one at a time (UNP 1.5); --exec, --reap and --max-children need it.")]
    public bool Fork { get; set; }

    [Option("exec", HelpText = "With --fork: the child execs a fresh daytimesrv --inetd with the connection on fd 0 and 1.")]
    public bool Exec { get; set; }

    [Option("write-size", Default = 0, HelpText = "UNP exercise 1.5: write the 26-byte reply N bytes at a time, each its own segment (TCP_NODELAY, 10 ms apart), so daytimecli --count shows more than one read (0: one write).")]
    public int WriteSize { get; set; }

    private ServerOptions _server = null!;

    public string? Validate()
    {
        if (WriteSize is < 0 or > 26) return $"--write-size must be 0..26 bytes, not {WriteSize}";
        return ValidateServer(Port, s => s with
        {
            Model = Fork ? ServerModel.Fork : ServerModel.Iterative,
            ModelOption = m => m == ServerModel.Fork ? "--fork" : "daytimesrv without --fork",
            Exec = Exec,
            ExecArguments = WriteSize > 0 ? InetdArguments("--write-size", WriteSize.ToString(CultureInfo.InvariantCulture)) : InetdArguments(),
        }, ["fork", "exec"], out _server);
    }

    public ServerOptions ToServerOptions() => _server;
}
