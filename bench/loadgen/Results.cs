namespace UnpServers.Bench;

/// <summary>
/// The fork table: echosrv's default design against its C twin (serv01), figures per round;
/// printed as medians and ours/C, with the targets of issue 19 item 5.
/// </summary>
/// <param name="bulkMiB">What the bulk figure moved each way (--bulk-mib), for its label.</param>
public sealed class Results(int bulkMiB)
{
    private readonly Dictionary<(string Impl, string Key), List<double>> _values = [];

    public void Add(string impl, string key, double value)
    {
        if (!_values.TryGetValue((impl, key), out var list)) _values[(impl, key)] = list = [];
        list.Add(value);
    }

    private double Median(string impl, string key) => Stats.Median(_values.GetValueOrDefault((impl, key)) ?? []);

    /// <summary>Rows: key, label ({0}: the bulk size in MiB), unit format, and the target (description, check on ours/C or on ours alone).</summary>
    private static readonly (string Key, string Label, string Format, string? Target, Func<double, double, bool>? Met)[] Rows =
    [
        ("conn_per_s", "connections/s (16 clients, 64-byte echo)", "N0", "ours/C >= 0.7", (ours, c) => ours / c >= 0.7),
        ("conn_p50_ms", "  connection latency p50 (ms)", "F2", null, null),
        ("conn_p99_ms", "  connection latency p99 (ms)", "F2", null, null),
        ("rtt1_p50_us", "RTT 1 byte p50 (us)", "F1", "ours/C <= 1.15", (ours, c) => ours / c <= 1.15),
        ("rtt1_p99_us", "  RTT 1 byte p99 (us)", "F1", null, null),
        ("rtt64_p50_us", "RTT 64 bytes p50 (us)", "F1", "ours/C <= 1.15", (ours, c) => ours / c <= 1.15),
        ("rtt64_p99_us", "  RTT 64 bytes p99 (us)", "F1", null, null),
        ("bulk_mb_s", "bulk, {0} MiB each way (MB/s)", "N0", "ours/C >= 0.9", (ours, c) => ours / c >= 0.9),
        ("held_child_kib", "private memory per held child (KiB)", "N0", "ours <= 64 KiB", (ours, _) => ours <= 64),
        ("held_parent_kib", "  private memory of the parent (KiB)", "N0", null, null),
    ];

    public void Print(TextWriter w, int rounds)
    {
        w.WriteLine();
        w.WriteLine($"Fork per connection, echosrv against C serv01: medians of {rounds} rounds, C and ours alternating; {Environment.ProcessorCount} cores, {DateTime.Now:yyyy-MM-dd}");
        w.WriteLine();
        w.WriteLine($"| {"figure",-42} | {"C",10} | {"ours",10} | {"ours/C",7} | {"target",-20} |");
        w.WriteLine($"|{new string('-', 44)}|{new string('-', 12)}|{new string('-', 12)}|{new string('-', 9)}|{new string('-', 22)}|");
        foreach (var (key, label, fmt, target, met) in Rows)
        {
            double c = Median("c", key), ours = Median("ours", key);
            string verdict = target == null ? "" : $"{target} {(met!(ours, c) ? "ok" : "MISSED")}";
            w.WriteLine($"| {Label(label),-42} | {c.ToString(fmt),10} | {ours.ToString(fmt),10} | {ours / c,7:F2} | {verdict,-20} |");
        }
        w.WriteLine();
    }

    private string Label(string label) => string.Format(System.Globalization.CultureInfo.InvariantCulture, label, bulkMiB);

    public void WriteJson(string path, int rounds) => Stats.WriteJson(path, rounds, new()
    {
        ["figures"] = Rows.ToDictionary(r => r.Key, r => new Dictionary<string, object?>
        {
            ["label"] = Label(r.Label).Trim(),
            ["c"] = Stats.Number(Median("c", r.Key)),
            ["ours"] = Stats.Number(Median("ours", r.Key)),
            ["ratio"] = Stats.Number(Median("ours", r.Key) / Median("c", r.Key)),
            ["target"] = r.Target,
            ["met"] = r.Met?.Invoke(Median("ours", r.Key), Median("c", r.Key)),
            ["c_rounds"] = _values.GetValueOrDefault(("c", r.Key)) ?? [],
            ["ours_rounds"] = _values.GetValueOrDefault(("ours", r.Key)) ?? [],
        }),
    }, "fork figures");
}
