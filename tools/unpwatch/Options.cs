// unpwatch's command line: which server to watch, and how to show it.
using CommandLine;
using UnpServers.Cli;

namespace UnpServers.UnpWatch;

public sealed class Options : IProgramOptions
{
    public static string UsageLine => "unpwatch --port N | --pid PID [--once] [--events FILE|-]";

    [Value(0, Hidden = true)] // positional arguments: refused
    public IEnumerable<string> Unexpected { get; set; } = [];

    [Option('p', "port", HelpText = "Watch the server listening on TCP port N (its listener found by sock_diag, its process by /proc/PID/fd).")]
    public int? Port { get; set; }

    [Option("pid", HelpText = "Watch the server whose parent is PID, on every port it listens on.")]
    public int? Pid { get; set; }

    [Option("once", HelpText = "Print one frame as plain text and exit 0 (no escape codes: what to paste, what tests read).")]
    public bool Once { get; set; }

    [Option("events", HelpText = "Write each event as one timestamped line to FILE (- for stdout, which then shows nothing else), for a lab's transcript.")]
    public string? Events { get; set; }

    public string? Validate()
    {
        if (Port == null && Pid == null) return "say which server to watch: --port N or --pid PID";
        if (Port != null && Pid != null) return "--port and --pid both name the server; give one";
        if (Port is < 1 or > 65535) return $"--port must be 1..65535, not {Port}";
        if (Pid is < 1) return $"--pid must be a process id (1 or more), not {Pid}";
        if (Events is "") return "--events must name a file (or - for stdout)";
        if (Once && Events != null) return "--once prints one frame, which has no events; --events needs the live view";
        return null;
    }
}
