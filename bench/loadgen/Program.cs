// unp-bench: echosrv beside C servers of the same designs, under the same load, side by side
// in alternating rounds; prints medians and ours/C, writes them as JSON (docs/performance.md).
//   1. fork per connection against C serv01: rate, round trips, bulk, held children's memory;
//   2. start-up against a ReadyToRun hello world, every program timed by startclock;
//   3. the designs table, every --model against its C twin (UNP figure 30.1).
using System.Net.Sockets;
using UnpServers.Bench;
using UnpServers.Cli;
using UnpServers.Testing;

var options = Arguments.Parse<Options>(args, "unp-bench", o => o.Validate());
Reaping.BecomeSubreaper(); // a killed server's children come back here to be reaped
try
{
    if (options.Table("fork"))
    {
        var results = ForkTable(options);
        results.Print(Console.Out, options.Rounds);
        results.WriteJson(Path.Combine(options.Out, "latest.json"), options.Rounds);
    }
    if (options.Table("startup"))
    {
        var startup = new Startup(options);
        startup.Run();
        startup.Print(Console.Out);
        startup.WriteJson(Path.Combine(options.Out, "startup.json"));
    }
    if (options.Table("designs"))
    {
        var designs = Designs.Run(options);
        designs.Print(Console.Out, options.Rounds);
        designs.WriteJson(Path.Combine(options.Out, "designs.json"), options.Rounds);
        designs.WriteSvg(Path.Combine(options.Out, "designs.svg"));
    }
    return 0;
}
catch (Exception e) when (e is BenchException or InvalidDataException or SocketException or TimeoutException or IOException)
{
    // A server that would not start, a wrong echo, a connection refused: one line, no stack trace.
    Console.Error.WriteLine($"unp-bench: {e.Message.Split('\n')[0]}");
    return 1;
}

static Results ForkTable(Options options)
{
    var results = new Results(options.BulkMiB);
    var impls = new[] { ("c", options.C(Designs.Twin("fork")), Array.Empty<string>()), ("ours", options.Ours, ["--max-children", (options.Held + 100).ToString()]) };
    for (int round = 1; round <= options.Rounds; round++)
    {
        // A then B, then B then A: neither always runs on a warmer (or hotter) machine.
        foreach (var (name, server, extra) in round % 2 == 1 ? impls : impls.Reverse())
        {
            Console.Error.WriteLine($"round {round}/{options.Rounds}: {name}");
            using var s = Server.Start(name == "c" ? "C serv01" : "echosrv", server, extra);
            var rate = Patterns.ConnectionRate(s.Port, 16, options.Seconds);
            results.Add(name, "conn_per_s", rate.PerSecond);
            results.Add(name, "conn_p50_ms", rate.P50Ms);
            results.Add(name, "conn_p99_ms", rate.P99Ms);
            using (Affinity.OneCpu(s))
            {
                var rtt1 = Patterns.RoundTrip(s.Port, 1, 10_000);
                results.Add(name, "rtt1_p50_us", rtt1.P50Us);
                results.Add(name, "rtt1_p99_us", rtt1.P99Us);
                var rtt64 = Patterns.RoundTrip(s.Port, 64, 10_000);
                results.Add(name, "rtt64_p50_us", rtt64.P50Us);
                results.Add(name, "rtt64_p99_us", rtt64.P99Us);
            }
            results.Add(name, "bulk_mb_s", Patterns.Bulk(s.Port, options.BulkMiB));
            var held = Patterns.Held(s, options.Held);
            results.Add(name, "held_child_kib", held.ChildKiB);
            results.Add(name, "held_parent_kib", held.ParentKiB);
        }
    }
    return results;
}
