// unp-bench: the C fork-per-connection server and echosrv under the same load, side by
// side, in alternating rounds; prints medians and ours/C, writes them as JSON.
using UnpServers.Bench;
using UnpServers.Cli;
using UnpServers.Interop;

var options = Arguments.Parse<Options>(args, "unp-bench", o => o.Validate());
LibC.prctl(LibC.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); // a killed server's children come back here to be reaped
var results = new Results(options.BulkMiB);
var impls = new[] { ("c", options.C, options.CCli), ("ours", options.Ours, options.EchoCli) };

for (int round = 1; round <= (options.DesignsOnly ? 0 : options.Rounds); round++)
{
    // A then B, then B then A: neither always runs on a warmer (or hotter) machine.
    var order = round % 2 == 1 ? impls : impls.Reverse().ToArray();
    foreach (var (name, server, client) in order)
    {
        Console.Error.WriteLine($"round {round}/{options.Rounds}: {name}");
        using (var s = Server.Start(name, server, options.Held + 100))
        {
            var rate = Patterns.ConnectionRate(s.Port, 16, options.Seconds);
            results.Add(name, "conn_per_s", rate.PerSecond);
            results.Add(name, "conn_p50_ms", rate.P50Ms);
            results.Add(name, "conn_p99_ms", rate.P99Ms);
            var rtt1 = Patterns.RoundTrip(s.Port, 1, 10_000);
            results.Add(name, "rtt1_p50_us", rtt1.P50Us);
            results.Add(name, "rtt1_p99_us", rtt1.P99Us);
            var rtt64 = Patterns.RoundTrip(s.Port, 64, 10_000);
            results.Add(name, "rtt64_p50_us", rtt64.P50Us);
            results.Add(name, "rtt64_p99_us", rtt64.P99Us);
            results.Add(name, "bulk_mb_s", Patterns.Bulk(s.Port, options.BulkMiB));
            var held = Patterns.Held(s, options.Held);
            results.Add(name, "held_child_kib", held.ChildKiB);
            results.Add(name, "held_parent_kib", held.ParentKiB);
        }
        using (var target = Server.Start("c", options.C, 0)) // both clients talk to the same (C) server
        {
            var runs = Enumerable.Range(0, 20).Select(_ => Patterns.ClientProcess(client, target.Port, name == "ours")).Order().ToArray();
            results.Add(name, "client_one_line_ms", Patterns.Percentile(runs, 0.5));
        }
        var starts = Enumerable.Range(0, 3).Select(i => Patterns.StartToFirstConnection(name, server, FreePort())).Order().ToArray();
        results.Add(name, "start_to_first_conn_ms", Patterns.Percentile(starts, 0.5));
    }
}

if (!options.DesignsOnly)
{
    // Start-up (issue 13): ratios to a hello world measured in the same rounds; the client talks to the C server.
    var startup = new Startup(options.Hello);
    using (var target = Server.Start("c", options.C, 0))
        for (int i = 0; i < options.StartupRuns; i++) startup.Round(options.Ours, options.EchoCli, target.Port);

    results.Print(Console.Out, options.Rounds);
    startup.Print(Console.Out);
    results.WriteJson(options.Json, options.Rounds);
}
if (options.ModelList.Length > 0) // UNP figure 30.1: every design of echosrv beside C fork and C prefork
{
    var designs = Designs.Run(options);
    designs.Print(Console.Out, options.Rounds);
    designs.WriteJson(options.DesignsJson, options.Rounds);
    designs.WriteSvg(Path.ChangeExtension(options.DesignsJson, ".svg"));
}
return 0;

static int FreePort()
{
    using var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
    l.Start();
    return ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
}
