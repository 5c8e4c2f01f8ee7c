using CommandLine;
using UnpServers.Cli;

namespace UnpServers.Bench;

public sealed class Options : IProgramOptions
{
    public static string UsageLine => "unp-bench --ours bin/echosrv --cserver bench/bin/tcpserv04 --echocli bin/echocli --ccli bench/bin/tcpcli [--rounds N] [--seconds S] [--models all|none|fork,prefork,...]";

    [Value(0, Hidden = true)] // the positional arguments beyond those declared: refused
    public IEnumerable<string> Unexpected { get; set; } = [];

    [Option("ours", Required = true, HelpText = "Our server (bin/echosrv).")]
    public string Ours { get; set; } = "";

    [Option("cserver", Required = true, HelpText = "The C reference server (bench/bin/tcpserv04).")]
    public string C { get; set; } = "";

    [Option("echocli", Required = true, HelpText = "Our client (bin/echocli).")]
    public string EchoCli { get; set; } = "";

    [Option("ccli", Required = true, HelpText = "The C reference client (bench/bin/tcpcli).")]
    public string CCli { get; set; } = "";

    [Option("rounds", Default = 3, HelpText = "Rounds, C and ours alternating; the table shows medians.")]
    public int Rounds { get; set; }

    [Option("seconds", Default = 4, HelpText = "Length of each connection-rate run.")]
    public int Seconds { get; set; }

    [Option("bulk-mib", Default = 512, HelpText = "MiB streamed each way in the bulk run.")]
    public int BulkMiB { get; set; }

    [Option("held", Default = 1000, HelpText = "Connections held open at once in the memory run.")]
    public int Held { get; set; }

    [Option("cprefork", Default = "bench/bin/prefork", HelpText = "The C prefork reference server, UNP 30.6 (bench/bin/prefork).")]
    public string CPrefork { get; set; } = "";

    [Option("models", Default = "all", HelpText = "The echosrv designs in the designs table: all, none, or a list such as fork,prefork.")]
    public string Models { get; set; } = "";

    [Option("designs-only", HelpText = "Skip the side-by-side table: only the designs.")]
    public bool DesignsOnly { get; set; }

    [Option("designs-json", Default = "bench/results/designs.json", HelpText = "Where to write the designs table as JSON (and, beside it, .svg).")]
    public string DesignsJson { get; set; } = "";

    /// <summary>The models of --models, in the book's order.</summary>
    public string[] ModelList => Models switch
    {
        "all" => Designs.Models.Select(m => m.Model).ToArray(),
        "none" or "" => [],
        _ => Models.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
    };

    [Option("hello", Default = "bench/bin/hello/hello", HelpText = "A ReadyToRun hello world, the yardstick for start-up.")]
    public string Hello { get; set; } = "";

    [Option("startup-runs", Default = 15, HelpText = "Start-up runs of each (hello world, server, client), interleaved.")]
    public int StartupRuns { get; set; }

    [Option("json", Default = "bench/results/latest.json", HelpText = "Where to write the figures as JSON.")]
    public string Json { get; set; } = "";

    public string? Validate()
    {
        foreach (var (name, path) in new[] { ("--ours", Ours), ("--cserver", C), ("--echocli", EchoCli), ("--ccli", CCli), ("--hello", Hello) })
            if (!File.Exists(path)) return $"{name} {path}: no such file";
        if (Designs.Unknown(ModelList) is string bad) return bad;
        if (DesignsOnly && ModelList.Length == 0) return "--designs-only with --models none measures nothing";
        if (ModelList.Length > 0 && !File.Exists(CPrefork)) return $"--cprefork {CPrefork}: no such file";
        if (Rounds < 1 || Seconds < 1 || BulkMiB < 1 || Held < 1 || StartupRuns < 1) return "--rounds, --seconds, --bulk-mib, --held and --startup-runs must be 1 or more";
        return null;
    }
}
