using System.Diagnostics;
using System.Globalization;

namespace UnpServers.Bench;

/// <summary>
/// UNP figure 30.1 on this machine: every echosrv design (echosrv --model NAME) beside the C
/// fork-per-connection server (tcpserv04) and the C prefork server (serv02), under the same
/// load, in alternating rounds. Each gets the connection rate (16 clients, connect, 64-byte
/// echo, close) and the server's CPU time per connection, then a 64-byte round trip and bulk.
/// </summary>
public static class Designs
{
    /// <summary>The models of issue 10, in the book's order, with the section that describes each.</summary>
    public static readonly (string Model, string Unp, string What)[] Models =
    [
        ("fork", "30.5", "one child per connection"),
        ("prefork", "30.6", "N children, each in accept(), no lock"),
        ("prefork-flock", "30.7", "accept() under an fcntl() lock"),
        ("prefork-mutex", "30.8", "accept() under a shared pthread mutex"),
        ("prefork-pass", "30.9", "parent accepts, passes the descriptor"),
        ("thread", "30.10", "one thread per connection"),
        ("prethread", "30.11", "N threads, each accepting under a mutex"),
        ("prethread-main", "30.12", "main thread accepts, hands to N threads"),
        ("select", "6.8", "one thread, select()"),
        ("poll", "6.11", "one thread, poll()"),
        ("epoll", "-", "one thread, epoll (beyond the book)"),
    ];

    public const string CFork = "C fork";
    public const string CPrefork = "C prefork";

    /// <summary>Children or threads of every pool design: bench/c/prefork.c's default, UNP 30.6's example.</summary>
    public const int PoolSize = 8;

    /// <summary>USER_HZ: /proc reports CPU times in 1/100 s on Linux, whatever the kernel's HZ.</summary>
    private const double TickUs = 10_000;

    public static DesignResults Run(Options options)
    {
        var results = new DesignResults();
        var entries = new List<(string Name, string Unp, string Path, string[]? Args)>
        {
            (CFork, "30.5", options.C, null),
            (CPrefork, "30.6", options.CPrefork, null), // its default: PoolSize children
        };
        foreach (string model in options.ModelList)
        {
            var (_, unp, _) = Models.First(m => m.Model == model);
            // fork is the default model: asked for by no option, it runs even on an echosrv without --model.
            // The pools get as many workers as the C prefork server has children.
            string[] args = model == "fork" ? []
                : model.StartsWith("pre", StringComparison.Ordinal) ? ["--model", model, "--workers", PoolSize.ToString(CultureInfo.InvariantCulture)]
                : ["--model", model];
            entries.Add((model, unp, options.Ours, args));
        }
        foreach (var e in entries) results.Declare(e.Name, e.Unp);

        for (int round = 1; round <= options.Rounds; round++)
        {
            var order = round % 2 == 1 ? entries : Enumerable.Reverse(entries).ToList();
            foreach (var (name, _, path, args) in order)
            {
                if (results.Unavailable(name) != null) continue;
                Console.Error.WriteLine($"designs round {round}/{options.Rounds}: {name}");
                Server s;
                try
                {
                    s = args == null ? Server.Start("c", path, 0) : Server.Start("ours", path, 0, args);
                }
                catch (InvalidOperationException) when (args != null && Refused(path, args) is string why)
                {
                    results.SetUnavailable(name, why);
                    continue;
                }
                using (s)
                {
                    long before = CpuTicks(s);
                    var sw = Stopwatch.StartNew();
                    var rate = Patterns.ConnectionRate(s.Port, 16, options.Seconds);
                    double connections = rate.PerSecond * sw.Elapsed.TotalSeconds;
                    WaitQuiet(s);
                    long ticks = CpuTicks(s) - before;
                    results.Add(name, "conn_per_s", rate.PerSecond);
                    results.Add(name, "cpu_us_per_conn", ticks * TickUs / Math.Max(1, connections));
                    results.Add(name, "rtt64_p50_us", Patterns.RoundTrip(s.Port, 64, 10_000).P50Us);
                    results.Add(name, "bulk_mb_s", Patterns.Bulk(s.Port, options.BulkMiB));
                }
            }
        }
        return results;
    }

    /// <summary>
    /// Whether echosrv refuses these arguments (exit 64: a model this build does not have).
    /// Returns its first line of complaint, or null when it failed for another reason.
    /// </summary>
    private static string? Refused(string path, string[] args)
    {
        var psi = new ProcessStartInfo(path) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args.Concat(["--port", "0", "--log", "/dev/null"])) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(10_000))
        {
            Server.KillAndReap(p);
            return null;
        }
        string first = err.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
        return p.ExitCode == 64 ? first : null;
    }

    /// <summary>
    /// CPU time of the whole server, in ticks: the process (every thread, dead ones too), its
    /// reaped children (cutime, cstime) and its live children with theirs.
    /// </summary>
    private static long CpuTicks(Server s)
    {
        long total = 0;
        foreach (int kid in s.Children()) total += ProcessTicks(kid); // before the parent: a child reaped meanwhile counts twice, not never
        return total + ProcessTicks(s.Pid);
    }

    private static long ProcessTicks(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            // After "(comm)", which may hold spaces: state is field 3, utime..cstime are 14..17.
            string[] f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(f[11]) + long.Parse(f[12]) + long.Parse(f[13]) + long.Parse(f[14]);
        }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException)
        {
            return 0; // gone, and reaped: its parent's cutime has it
        }
    }

    /// <summary>After a run: waits (bounded) until no child is still exiting or unreaped, so their times are the parent's.</summary>
    private static void WaitQuiet(Server s)
    {
        long deadline = Environment.TickCount64 + 3000;
        while (Environment.TickCount64 < deadline)
        {
            bool busy = false;
            foreach (int kid in s.Children())
            {
                try
                {
                    string stat = File.ReadAllText($"/proc/{kid}/stat");
                    char state = stat[stat.LastIndexOf(')') + 2];
                    if (state is 'Z' or 'R' or 'X') busy = true;
                }
                catch (IOException) { }
            }
            if (!busy) return;
            Thread.Sleep(10);
        }
    }

    /// <summary>Checks the model names of --models; null when all are known.</summary>
    public static string? Unknown(IEnumerable<string> models)
        => models.FirstOrDefault(m => !Models.Any(k => k.Model == m)) is string bad
            ? $"--models: no model '{bad}'; the models are {string.Join(",", Models.Select(m => m.Model))} (or none)"
            : null;
}
