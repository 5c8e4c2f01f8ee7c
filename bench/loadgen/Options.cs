using CommandLine;
using UnpServers.Cli;

namespace UnpServers.Bench;

public sealed class Options : IProgramOptions
{
    public static string UsageLine => "unp-bench --ours bin/echosrv --echocli bin/echocli [--cbin bench/bin] [--out DIR] [--rounds N] [--seconds S] [--models all|none|fork,prefork,...] [--tables fork,startup,designs]";

    [Value(0, Hidden = true)] // the positional arguments beyond those declared: refused
    public IEnumerable<string> Unexpected { get; set; } = [];

    [Option("ours", Required = true, HelpText = "Our server (bin/echosrv).")]
    public string Ours { get; set; } = "";

    [Option("echocli", Required = true, HelpText = "Our client (bin/echocli).")]
    public string EchoCli { get; set; } = "";

    [Option("cbin", Default = "bench/bin", HelpText = "Where the C twins (serv00 ... tcpservepoll01), tcpcli and startclock were built.")]
    public string CBin { get; set; } = "";

    [Option("hello", Default = "bench/bin/hello/hello", HelpText = "A ReadyToRun hello world, the yardstick for start-up.")]
    public string Hello { get; set; } = "";

    [Option("out", Default = "bench/out", HelpText = "Where to write the figures (JSON) and the designs chart (SVG).")]
    public string Out { get; set; } = "";

    [Option("rounds", Default = 3, HelpText = "Rounds, C and ours alternating; the tables show medians.")]
    public int Rounds { get; set; }

    [Option("seconds", Default = 4, HelpText = "Length of each connection-rate run.")]
    public int Seconds { get; set; }

    [Option("bulk-mib", Default = 512, HelpText = "MiB streamed each way in the bulk run.")]
    public int BulkMiB { get; set; }

    [Option("held", Default = 1000, HelpText = "Connections held open at once in the memory run.")]
    public int Held { get; set; }

    [Option("models", Default = "all", HelpText = "The echosrv designs in the designs table: all, none, or a list such as fork,prefork.")]
    public string Models { get; set; } = "";

    [Option("tables", Default = "fork,startup,designs", HelpText = "The tables to measure: fork (against C serv01), startup (against a hello world), designs (each --model against its twin).")]
    public string Tables { get; set; } = "";

    public static readonly string[] TableNames = ["fork", "startup", "designs"];

    private string[] TableList => Tables.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public bool Table(string name) => TableList.Contains(name) && (name != "designs" || ModelList.Length > 0);

    [Option("startup-runs", Default = 15, HelpText = "Start-up runs of each program, interleaved.")]
    public int StartupRuns { get; set; }

    /// <summary>The models of --models, in the book's order.</summary>
    public string[] ModelList => Models switch
    {
        "all" => Designs.Models.Select(m => m.Model).ToArray(),
        "none" or "" => [],
        _ => Models.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
    };

    /// <summary>A C program of --cbin: a twin, tcpcli or startclock.</summary>
    public string C(string name) => Path.Combine(CBin, name);

    public string? Validate()
    {
        if (Designs.Unknown(ModelList) is string bad) return bad;
        if (TableList.FirstOrDefault(t => !TableNames.Contains(t)) is string table) return $"--tables: no table '{table}'; the tables are {string.Join(",", TableNames)}";
        if (!TableNames.Any(Table)) return "--tables and --models leave nothing to measure";
        if (Rounds < 1 || Seconds < 1 || BulkMiB < 1 || Held < 1 || StartupRuns < 1) return "--rounds, --seconds, --bulk-mib, --held and --startup-runs must be 1 or more";
        string[] c = [.. Table("designs") ? ModelList.Select(Designs.Twin) : [], Designs.Twin("fork"), .. Table("startup") ? ["tcpcli", "startclock"] : Array.Empty<string>()];
        foreach (var (name, path) in new[] { ("--ours", Ours), ("--echocli", EchoCli) }.Concat(Table("startup") ? [("--hello", Hello)] : []))
            if (!File.Exists(path)) return $"{name} {path}: no such file";
        foreach (string name in c.Distinct())
            if (!File.Exists(C(name))) return $"{C(name)}: no such file (make bench builds the C programs into bench/bin)";
        return null;
    }
}
