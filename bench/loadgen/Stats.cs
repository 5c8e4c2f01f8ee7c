using System.Globalization;
using System.Text.Json;

namespace UnpServers.Bench;

/// <summary>What every table shares: medians, percentiles, and the JSON file with the machine's description.</summary>
public static class Stats
{
    public static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        if (v.Length == 0) return double.NaN;
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    /// <summary>
    /// The median of the rounds' own ratios a[i] / b[i]: each round's pair ran back to back, so
    /// a machine whose speed drifts between rounds (a shared one) moves both sides of each ratio.
    /// </summary>
    public static double PairedRatio(IReadOnlyList<double> a, IReadOnlyList<double> b)
        => Median(Enumerable.Range(0, Math.Min(a.Count, b.Count)).Select(i => a[i] / b[i]));

    public static double Percentile(double[] sorted, double p)
        => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Floor(p * sorted.Length))];

    /// <summary>JSON has no NaN: a figure that could not be measured is null.</summary>
    public static double? Number(double v) => double.IsFinite(v) ? Math.Round(v, 3) : null;

    /// <summary>Writes doc, after the date, the machine and the rounds, to path; says so on stdout.</summary>
    public static void WriteJson(string path, int rounds, Dictionary<string, object> doc, string what)
    {
        var all = new Dictionary<string, object>
        {
            ["date"] = DateTime.Now.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
            ["cores"] = Environment.ProcessorCount,
            ["kernel"] = File.ReadAllText("/proc/sys/kernel/osrelease").Trim(),
            ["rounds"] = rounds,
        };
        foreach (var (k, v) in doc) all[k] = v;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, JsonSerializer.Serialize(all, new JsonSerializerOptions { WriteIndented = true }) + "\n");
        Console.Out.WriteLine($"{what} written to {path}");
    }
}
