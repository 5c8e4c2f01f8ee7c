// daytimecli's command line (UNP 1.2): its options and their help text.
using CommandLine;
using UnpServers.Cli;

namespace UnpServers.DaytimeCli;

public sealed class Options : ClientArguments, IProgramOptions
{
    public static string UsageLine => "daytimecli HOST [--port N] [--count]";

    [Value(0, MetaName = "HOST", Required = true, HelpText = "Server: IPv4 or IPv6 address, or a name.")]
    public string Host { get; set; } = "";

    [Option('p', "port", Default = 13, HelpText = "Server port (daytime is 13).")]
    public int Port { get; set; }

    [Option("count", HelpText = "UNP exercise 1.5: after the reply, print counter = N, the number of reads it took.")]
    public bool Count { get; set; }

    public string? Validate() => CheckServer(Host, Port);
}
