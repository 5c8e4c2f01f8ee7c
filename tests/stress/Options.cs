using CommandLine;
using UnpServers.Cli;

namespace UnpServers.Stress;

public sealed class Options : OptionsOnly, IProgramOptions
{
    public static string UsageLine => "unp-stress --server bin/echosrv [--model NAME [--workers N]] [--connections N] [--quiet-connections N] [--clients N] [--kill-every MS] [--max-seconds S]";

    [Option("server", Required = true, HelpText = "The echo server to soak (bin/echosrv).")]
    public string Server { get; set; } = "";

    [Option("server-args", Default = "", HelpText = "Extra arguments for the server, space-separated.")]
    public string ServerArgs { get; set; } = "";

    [Option("model", Default = "fork", HelpText = "The server design to soak (echosrv --model): fork, or a pre-forked one (prefork, prefork-flock, prefork-mutex, prefork-pass).")]
    public string Model { get; set; } = "fork";

    [Option("workers", Default = 0, HelpText = "A pre-forked design's children (echosrv --workers; 0: its default, 8).")]
    public int Workers { get; set; }

    /// <summary>Children a pre-forked server keeps between connections: they are neither hung nor leaked.</summary>
    public int ResidentChildren => Model.StartsWith("prefork", StringComparison.Ordinal) ? (Workers > 0 ? Workers : 8) : 0;

    /// <summary>The server's arguments: the design, then --server-args.</summary>
    public string ServerCommandLine => $"--model {Model}" + (Workers > 0 ? $" --workers {Workers}" : "") + (ServerArgs.Length > 0 ? " " + ServerArgs : "");

    [Option("connections", Default = 100_000, HelpText = "Connections in all.")]
    public int Connections { get; set; }

    [Option("quiet-connections", Default = 20_000, HelpText = "Then this many with no kills: each must echo whole within --io-timeout, or it is a hang.")]
    public int QuietConnections { get; set; }

    [Option("sabotage", Default = "", HelpText = "Test only, to prove the verdict can fail: 'kill' (one child is killed by someone else, unrecorded) or 'stop' (one quiet-phase child is stopped: a hang).")]
    public string Sabotage { get; set; } = "";

    [Option("clients", Default = 16, HelpText = "Concurrent clients.")]
    public int Clients { get; set; }

    [Option("max-payload", Default = 16384, HelpText = "Each connection sends 1..N random bytes and checks the echo.")]
    public int MaxPayload { get; set; }

    [Option("kill-every", Default = 20, HelpText = "Milliseconds between kills of a random child (SIGTERM and SIGKILL in turn); 0: no kills.")]
    public int KillEveryMs { get; set; }

    [Option("max-seconds", Default = 900, HelpText = "Stop starting connections after this long; the run then fails as incomplete.")]
    public int MaxSeconds { get; set; }

    [Option("io-timeout", Default = 10, HelpText = "Seconds a client waits for its echo; a connection that takes longer in all is a hang.")]
    public int IoTimeoutSeconds { get; set; }

    public string? Validate()
    {
        if (Connections < 1000) return "--connections must be at least 1000 (RSS is compared with its value after the first 1,000)";
        if (QuietConnections < 0) return "--quiet-connections must be 0 or more";
        if (Sabotage is not ("" or "kill" or "stop")) return $"--sabotage {Sabotage}: must be kill or stop";
        if (Clients < 1) return "--clients must be 1 or more";
        if (Model is not ("fork" or "prefork" or "prefork-flock" or "prefork-mutex" or "prefork-pass")) return $"--model {Model}: the soak kills children, so a forking design (fork, prefork, prefork-flock, prefork-mutex, prefork-pass)";
        if (Workers < 0) return "--workers must be 0 or more";
        if (MaxPayload < 1) return "--max-payload must be 1 or more";
        if (KillEveryMs < 0) return "--kill-every must be 0 or more";
        if (MaxSeconds < 1 || IoTimeoutSeconds < 1) return "--max-seconds and --io-timeout must be 1 or more";
        if (!File.Exists(Server)) return $"--server {Server}: no such file (run make)";
        return null;
    }
}
