// Start-up, side by side with a ReadyToRun hello world (issues 13, 19): every program is
// started and timed by the same small C program, bench/startup/startclock.c (posix_spawn,
// CLOCK_MONOTONIC; to the exit for a whole run, to the first connect() that is not refused for
// a server), so the hello world and ours carry the same, small, overhead. The ratios are to the
// hello world's whole run, measured in the same rounds, so they mean the same on a quiet laptop
// and on a loaded lab machine. The C twin and tcpcli are timed the same way, for scale.
using System.Diagnostics;
using System.Globalization;

namespace UnpServers.Bench;

public sealed class Startup(Options options)
{
    /// <summary>Rows: key, label, and the target as a ratio to the hello world (issue 19 item 5), if any.</summary>
    private static readonly (string Key, string Label, double? Target)[] Rows =
    [
        ("hello", "hello world (ReadyToRun): whole run", null),
        ("listen", "echosrv: execve() to listening", 0.5),
        ("first_echo", "  echosrv: execve() to its first echo", null),
        ("client", "echocli: one line, whole run", 0.3),
        ("version", "  echocli --version (the parser alone)", null),
        ("c_listen", "C serv01: execve() to listening", null),
        ("c_client", "C tcpcli: one line, whole run", null),
    ];

    private readonly Dictionary<string, List<double>> _ms = Rows.ToDictionary(r => r.Key, _ => new List<double>());

    /// <summary>--startup-runs rounds, each one of every row, the order reversed every other round; the clients talk to a C server.</summary>
    public void Run()
    {
        using var target = Server.Start("C serv01", options.C(Designs.Twin("fork")));
        string port = target.Port.ToString(CultureInfo.InvariantCulture);
        for (int round = 0; round < options.StartupRuns; round++)
        {
            Console.Error.WriteLine($"start-up round {round + 1}/{options.StartupRuns}");
            var order = round % 2 == 0 ? Rows : Rows.Reverse().ToArray();
            foreach (var (key, _, _) in order)
                _ms[key].Add(key switch
                {
                    "hello" => Clock([], options.Hello),
                    "listen" => Listen(false, options.Ours),
                    "first_echo" => Listen(true, options.Ours),
                    "client" => Clock(["--stdin", "one line\n", "--expect", "one line\n"], options.EchoCli, "127.0.0.1", "--port", port),
                    "version" => Clock([], options.EchoCli, "--version"),
                    "c_listen" => Listen(false, options.C(Designs.Twin("fork"))),
                    "c_client" => Clock(["--stdin", "one line\n", "--expect", "one line\n"], options.C("tcpcli"), "127.0.0.1", port),
                    _ => throw new InvalidOperationException(key),
                });
        }
    }

    /// <summary>A server on a port of its own, echosrv or the C twin, both with the same arguments.</summary>
    private double Listen(bool echo, string server)
    {
        string port = Server.FreePort().ToString(CultureInfo.InvariantCulture);
        return Clock(["--listen", port, .. echo ? ["--echo"] : Array.Empty<string>()], server, "--port", port, "--log", "/dev/null");
    }

    /// <summary>startclock's figure, in ms; a BenchException with its one line if the program failed.</summary>
    private double Clock(string[] how, string program, params string[] args)
    {
        var psi = new ProcessStartInfo(options.C("startclock")) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in (string[])[.. how, "--", Path.GetFullPath(program), .. args]) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0 || !double.TryParse(stdout.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double ms))
            throw new BenchException($"start-up: {stderr.Result.Trim().Split('\n')[0]}");
        return ms;
    }

    private double Median(string key) => Stats.Median(_ms[key]);

    /// <summary>key / hello world: the median of the rounds' ratios (Stats.PairedRatio).</summary>
    private double Ratio(string key) => Stats.PairedRatio(_ms[key], _ms["hello"]);

    public void Print(TextWriter w)
    {
        double h = Median("hello");
        w.WriteLine($"Start-up: medians of {options.StartupRuns}, each program started and timed the same way (bench/startup/startclock.c),");
        w.WriteLine($"as the median of the rounds' ratios to a ReadyToRun hello world's whole run ({h:F1} ms). Targets: issue 19 item 5.");
        w.WriteLine();
        w.WriteLine($"| {"figure",-42} | {"ms",8} | {"x hello",7} | {"target",-14} |");
        w.WriteLine($"|{new string('-', 44)}|{new string('-', 10)}|{new string('-', 9)}|{new string('-', 16)}|");
        foreach (var (key, label, target) in Rows)
        {
            double ms = Median(key), ratio = Ratio(key);
            string verdict = target is double t ? $"<= {t} {(ratio <= t ? "ok" : "MISSED")}" : "";
            w.WriteLine($"| {label,-42} | {ms,8:F1} | {ratio,7:F2} | {verdict,-14} |");
        }
        w.WriteLine();
    }

    public void WriteJson(string path)
    {
        Stats.WriteJson(path, options.StartupRuns, new()
        {
            ["how"] = "bench/startup/startclock.c: posix_spawn, CLOCK_MONOTONIC, to the exit (whole run) or to the first connect() not refused (listening)",
            ["figures"] = Rows.ToDictionary(r => r.Key, r => new Dictionary<string, object?>
            {
                ["label"] = r.Label.Trim(),
                ["ms"] = Stats.Number(Median(r.Key)),
                ["x_hello"] = Stats.Number(Ratio(r.Key)),
                ["target_x_hello"] = r.Target,
                ["met"] = r.Target is double t ? Ratio(r.Key) <= t : null,
                ["ms_runs"] = _ms[r.Key],
            }),
        }, "start-up figures");
    }
}
