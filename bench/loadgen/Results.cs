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

    private List<double> Rounds(string impl, string key) => _values.GetValueOrDefault((impl, key)) ?? [];

    private double Median(string impl, string key) => Stats.Median(Rounds(impl, key));

    /// <summary>ours / C: the median of the rounds' ratios (Stats.PairedRatio).</summary>
    private double Ratio(string key) => Stats.PairedRatio(Rounds("ours", key), Rounds("c", key));

    /// <summary>Rows: key, label ({0}: the bulk size in MiB), unit format, and the target (description, check on ours/C and ours).</summary>
    private static readonly (string Key, string Label, string Format, string? Target, Func<double, double, bool>? Met)[] Rows =
    [
        ("conn_per_s", "connections/s (16 clients, 64-byte echo)", "N0", "ours/C >= 0.7", (ratio, _) => ratio >= 0.7),
        ("conn_p50_ms", "  connection latency p50 (ms)", "F2", null, null),
        ("conn_p99_ms", "  connection latency p99 (ms)", "F2", null, null),
        ("rtt1_p50_us", "RTT 1 byte p50 (us)", "F1", "ours/C <= 1.15", (ratio, _) => ratio <= 1.15),
        ("rtt1_p99_us", "  RTT 1 byte p99 (us)", "F1", null, null),
        ("rtt64_p50_us", "RTT 64 bytes p50 (us)", "F1", "ours/C <= 1.15", (ratio, _) => ratio <= 1.15),
        ("rtt64_p99_us", "  RTT 64 bytes p99 (us)", "F1", null, null),
        ("bulk_mb_s", "bulk, {0} MiB each way (MB/s)", "N0", "ours/C >= 0.9", (ratio, _) => ratio >= 0.9),
        ("held_child_kib", "private memory per held child (KiB)", "N0", "ours <= 64 KiB", (_, ours) => ours <= 64),
        ("held_parent_kib", "  private memory of the parent (KiB)", "N0", null, null),
    ];

    public void Print(TextWriter w, int rounds)
    {
        w.WriteLine();
        w.WriteLine($"Fork per connection, echosrv against C serv01: medians of {rounds} rounds, C and ours alternating; ours/C: the median of the rounds' ratios.");
        w.WriteLine();
        w.WriteLine($"| {"figure",-42} | {"C",10} | {"ours",10} | {"ours/C",7} | {"target",-20} |");
        w.WriteLine($"|{new string('-', 44)}|{new string('-', 12)}|{new string('-', 12)}|{new string('-', 9)}|{new string('-', 22)}|");
        foreach (var (key, label, fmt, target, met) in Rows)
        {
            double c = Median("c", key), ours = Median("ours", key), ratio = Ratio(key);
            string verdict = target == null ? "" : $"{target} {(met!(ratio, ours) ? "ok" : "MISSED")}";
            w.WriteLine($"| {Label(label),-42} | {c.ToString(fmt),10} | {ours.ToString(fmt),10} | {ratio,7:F2} | {verdict,-20} |");
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
            ["ratio"] = Stats.Number(Ratio(r.Key)),
            ["target"] = r.Target,
            ["met"] = r.Met?.Invoke(Ratio(r.Key), Median("ours", r.Key)),
            ["c_rounds"] = Rounds("c", r.Key),
            ["ours_rounds"] = Rounds("ours", r.Key),
        }),
    }, "fork figures");
}
