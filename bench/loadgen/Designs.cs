using System.Diagnostics;
using System.Globalization;
using UnpServers.Testing;

namespace UnpServers.Bench;

/// <summary>
/// UNP figure 30.1 on this machine: every echosrv design (echosrv --model NAME) beside its C
/// twin (bench/c), under the same load, side by side: in each round a design's two servers run
/// one after the other, in the other order the next round. Each gets the connection rate (16
/// clients, connect, 64-byte echo, close) and the server's CPU time per connection during that
/// run, then a 64-byte round trip and the bulk run.
/// </summary>
public static class Designs
{
    /// <summary>The models, in the book's order, with the section that describes each and its C twin in bench/c.</summary>
    public static readonly (string Model, string Unp, string Twin, string What)[] Models =
    [
        ("iterative", "30.4", "serv00", "one client at a time"),
        ("fork", "30.5", "serv01", "one child per connection"),
        ("prefork", "30.6", "serv02", "N children, each in accept(), no lock"),
        ("prefork-flock", "30.7", "serv03", "accept() under an fcntl() lock"),
        ("prefork-mutex", "30.8", "serv04", "accept() under a shared pthread mutex"),
        ("prefork-pass", "30.9", "serv05", "parent accepts, passes the descriptor"),
        ("thread", "30.10", "serv06", "one thread per connection"),
        ("prethread", "30.11", "serv07", "N threads, each accepting under a mutex"),
        ("prethread-main", "30.12", "serv08", "main thread accepts, hands to N threads"),
        ("select", "6.8", "tcpservselect01", "one thread, select()"),
        ("poll", "6.11", "tcpservpoll01", "one thread, poll()"),
        ("epoll", "-", "tcpservepoll01", "one thread, epoll (beyond the book)"),
    ];

    public static string Twin(string model) => Models.First(m => m.Model == model).Twin;

    /// <summary>Children or threads of every pool design, ours and the twins: echosrv's default and UNP 30.6's example.</summary>
    public const int PoolSize = 8;

    /// <summary>USER_HZ: /proc reports CPU times in 1/100 s on Linux, whatever the kernel's HZ.</summary>
    private const double TickUs = 10_000;

    public static DesignResults Run(Options options)
    {
        var results = new DesignResults(options.ModelList);
        for (int round = 1; round <= options.Rounds; round++)
        {
            var models = round % 2 == 1 ? options.ModelList : options.ModelList.Reverse().ToArray();
            foreach (string model in models)
            {
                if (results.Unavailable(model) != null) continue;
                string[] pool = model.StartsWith("pre", StringComparison.Ordinal) ? ["--workers", PoolSize.ToString(CultureInfo.InvariantCulture)] : [];
                // fork is echosrv's default: asked for by no option, it runs even on an echosrv without --model.
                string[] ours = model == "fork" ? [] : ["--model", model, .. pool];
                var sides = new[] { ("c", options.C(Twin(model)), pool), ("ours", options.Ours, ours) };
                foreach (var (side, path, args) in round % 2 == 1 ? sides : sides.Reverse())
                {
                    string name = side == "c" ? $"C {Twin(model)}" : $"echosrv --model {model}";
                    Console.Error.WriteLine($"designs round {round}/{options.Rounds}: {name}");
                    Server s;
                    try
                    {
                        s = Server.Start(name, path, args);
                    }
                    catch (BenchException) when (side == "ours" && Refused(path, args) is string why)
                    {
                        results.SetUnavailable(model, why);
                        break;
                    }
                    using (s) Measure(s, options, (key, value) => results.Add(model, side, key, value));
                }
            }
        }
        return results;
    }

    /// <summary>The connection rate with the server's CPU time per connection, then a round trip and bulk.</summary>
    private static void Measure(Server s, Options options, Action<string, double> add)
    {
        long before = CpuTicks(s);
        var rate = Patterns.ConnectionRate(s.Port, 16, options.Seconds);
        WaitQuiet(s);
        long ticks = CpuTicks(s) - before;
        add("conn_per_s", rate.PerSecond);
        add("cpu_us_per_conn", ticks * TickUs / Math.Max(1, rate.Count));
        using (Affinity.OneCpu(s)) add("rtt64_p50_us", Patterns.RoundTrip(s.Port, 64, 10_000).P50Us);
        add("bulk_mb_s", Patterns.Bulk(s.Port, options.BulkMiB));
    }

    /// <summary>
    /// Whether echosrv refuses these arguments (exit 64: a model this build does not have).
    /// Returns its first line of complaint, or null when it does not refuse them (it runs, or fails otherwise).
    /// </summary>
    private static string? Refused(string path, string[] args)
    {
        var psi = new ProcessStartInfo(path) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args.Concat(["--port", "0", "--log", "/dev/null"])) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(10_000))
        {
            ServerProcess.KillAndReap(p); // it runs: so it was not refused
            return null;
        }
        string first = err.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
        return p.ExitCode == 64 ? first : null;
    }

    /// <summary>
    /// The CPU time the whole server has spent so far, in ticks (proc(5), /proc/PID/stat): the
    /// server process's utime + stime (all its threads, the ended ones included) + cutime + cstime
    /// (its children, once reaped), plus utime + stime of each child still alive (a pre-forked
    /// design's workers). Before and after a run, so the difference is that run's.
    /// </summary>
    private static long CpuTicks(Server s)
    {
        long total = 0;
        // The children before the parent: a child reaped in between counts twice, not never;
        // after a run WaitQuiet has let every exiting child be reaped first.
        foreach (int kid in s.Children()) total += Ticks(kid, children: false);
        return total + Ticks(s.Pid, children: true);
    }

    /// <summary>utime + stime (fields 14, 15 of /proc/PID/stat), with cutime + cstime (16, 17) if children; 0 if it is gone.</summary>
    private static long Ticks(int pid, bool children)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            // After "(comm)", which may hold spaces: state is field 3, so field N is f[N - 3].
            string[] f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            long t = long.Parse(f[11], CultureInfo.InvariantCulture) + long.Parse(f[12], CultureInfo.InvariantCulture);
            return children ? t + long.Parse(f[13], CultureInfo.InvariantCulture) + long.Parse(f[14], CultureInfo.InvariantCulture) : t;
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
