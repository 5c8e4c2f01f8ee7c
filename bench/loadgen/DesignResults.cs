using System.Globalization;
using System.Security;
using System.Text;
using System.Text.Json;

namespace UnpServers.Bench;

/// <summary>
/// The designs table (UNP figure 30.1 here): medians per design, ratios to the C servers of
/// the same run, the targets of issue 10; printed, and written as JSON and as an SVG chart.
/// </summary>
public sealed class DesignResults
{
    private readonly List<(string Name, string Unp)> _designs = [];
    private readonly Dictionary<(string Name, string Key), List<double>> _values = [];
    private readonly Dictionary<string, string> _unavailable = [];

    public void Declare(string name, string unp) => _designs.Add((name, unp));

    public void Add(string name, string key, double value)
    {
        if (!_values.TryGetValue((name, key), out var list)) _values[(name, key)] = list = [];
        list.Add(value);
    }

    public string? Unavailable(string name) => _unavailable.GetValueOrDefault(name);

    public void SetUnavailable(string name, string why) => _unavailable[name] = why;

    private double Median(string name, string key)
    {
        if (!_values.TryGetValue((name, key), out var list) || list.Count == 0) return double.NaN;
        var v = list.Order().ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    private bool IsC(string name) => name is Designs.CFork or Designs.CPrefork;

    /// <summary>The targets a design misses, in words; empty when it meets them all (C rows: none).</summary>
    private List<string> Missed(string name)
    {
        var missed = new List<string>();
        if (IsC(name)) return missed;
        double conn = Median(name, "conn_per_s");
        double rtt = Median(name, "rtt64_p50_us") / Median(Designs.CFork, "rtt64_p50_us");
        double bulk = Median(name, "bulk_mb_s") / Median(Designs.CFork, "bulk_mb_s");
        if (name == "fork") // issue 10, part 1: the fork made cheaper
        {
            double vsFork = conn / Median(Designs.CFork, "conn_per_s");
            if (!(vsFork >= 0.5)) missed.Add($"conn {vsFork:F2}x C fork < 0.5");
        }
        if (name == "prefork")
        {
            double vsPrefork = conn / Median(Designs.CPrefork, "conn_per_s");
            double vsFork = conn / Median(Designs.CFork, "conn_per_s");
            if (!(vsPrefork >= 0.9)) missed.Add($"conn {vsPrefork:F2}x C prefork < 0.9");
            if (!(vsFork >= 3)) missed.Add($"conn {vsFork:F2}x C fork < 3");
        }
        if (!(rtt <= 1.15)) missed.Add($"RTT {rtt:F2}x > 1.15");
        if (!(bulk >= 0.9)) missed.Add($"bulk {bulk:F2}x < 0.9");
        return missed;
    }

    private string Verdict(string name)
    {
        if (IsC(name)) return "(reference)";
        if (_unavailable.ContainsKey(name)) return "not available";
        var missed = Missed(name);
        return missed.Count == 0 ? "ok" : "MISSED: " + string.Join("; ", missed);
    }

    public void Print(TextWriter w, int rounds)
    {
        w.WriteLine();
        w.WriteLine($"Designs (UNP figure 30.1 here): medians of {rounds} rounds; ratios to the C fork-per-connection server of the same run.");
        w.WriteLine("Targets: fork >= 0.5x C fork, prefork >= 0.9x C prefork and >= 3x C fork in connections/s; every design RTT <= 1.15x and bulk >= 0.9x C fork.");
        w.WriteLine();
        w.WriteLine($"| {"design",-15} | {"UNP",-5} | {"conn/s",8} | {"CPU us/conn",11} | {"x C fork",8} | {"RTT64 us",8} | {"RTT x C",7} | {"bulk MB/s",9} | {"bulk x C",8} | targets");
        w.WriteLine($"|{new string('-', 17)}|{new string('-', 7)}|{new string('-', 10)}|{new string('-', 13)}|{new string('-', 10)}|{new string('-', 10)}|{new string('-', 9)}|{new string('-', 11)}|{new string('-', 10)}|---------");
        double cConn = Median(Designs.CFork, "conn_per_s"), cRtt = Median(Designs.CFork, "rtt64_p50_us"), cBulk = Median(Designs.CFork, "bulk_mb_s");
        foreach (var (name, unp) in _designs)
        {
            if (_unavailable.TryGetValue(name, out string? why))
            {
                w.WriteLine($"| {name,-15} | {unp,-5} | {"-",8} | {"-",11} | {"-",8} | {"-",8} | {"-",7} | {"-",9} | {"-",8} | not available ({why})");
                continue;
            }
            double conn = Median(name, "conn_per_s"), cpu = Median(name, "cpu_us_per_conn"), rtt = Median(name, "rtt64_p50_us"), bulk = Median(name, "bulk_mb_s");
            w.WriteLine($"| {name,-15} | {unp,-5} | {conn,8:N0} | {cpu,11:N0} | {conn / cConn,8:F2} | {rtt,8:F1} | {rtt / cRtt,7:F2} | {bulk,9:N0} | {bulk / cBulk,8:F2} | {Verdict(name)}");
        }
        w.WriteLine();
    }

    public void WriteJson(string path, int rounds)
    {
        var doc = new Dictionary<string, object>
        {
            ["date"] = DateTime.Now.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
            ["cores"] = Environment.ProcessorCount,
            ["kernel"] = File.ReadAllText("/proc/sys/kernel/osrelease").Trim(),
            ["rounds"] = rounds,
            ["load"] = "16 clients, each: connect, 64-byte echo, close; CPU: the server's processes and threads, children included",
            ["designs"] = _designs.Select(d => new Dictionary<string, object?>
            {
                ["design"] = d.Name,
                ["unp"] = d.Unp,
                ["available"] = !_unavailable.ContainsKey(d.Name),
                ["why_not"] = _unavailable.GetValueOrDefault(d.Name),
                ["conn_per_s"] = Number(Median(d.Name, "conn_per_s")),
                ["cpu_us_per_conn"] = Number(Median(d.Name, "cpu_us_per_conn")),
                ["rtt64_p50_us"] = Number(Median(d.Name, "rtt64_p50_us")),
                ["bulk_mb_s"] = Number(Median(d.Name, "bulk_mb_s")),
                ["conn_x_c_fork"] = Number(Median(d.Name, "conn_per_s") / Median(Designs.CFork, "conn_per_s")),
                ["rtt_x_c_fork"] = Number(Median(d.Name, "rtt64_p50_us") / Median(Designs.CFork, "rtt64_p50_us")),
                ["bulk_x_c_fork"] = Number(Median(d.Name, "bulk_mb_s") / Median(Designs.CFork, "bulk_mb_s")),
                ["verdict"] = Verdict(d.Name),
                ["conn_per_s_rounds"] = _values.GetValueOrDefault((d.Name, "conn_per_s")) ?? [],
                ["cpu_us_per_conn_rounds"] = _values.GetValueOrDefault((d.Name, "cpu_us_per_conn")) ?? [],
                ["rtt64_p50_us_rounds"] = _values.GetValueOrDefault((d.Name, "rtt64_p50_us")) ?? [],
                ["bulk_mb_s_rounds"] = _values.GetValueOrDefault((d.Name, "bulk_mb_s")) ?? [],
            }).ToList(),
        };
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true }) + "\n");
        Console.Out.WriteLine($"designs written to {path}");
    }

    /// <summary>JSON has no NaN: a figure that could not be measured is null.</summary>
    private static double? Number(double v) => double.IsFinite(v) ? Math.Round(v, 2) : null;

    /// <summary>
    /// Two bar panels side by side, one row per design: connections/s (longer is better) and
    /// the server's CPU time per connection (shorter is better), each on a log scale: the
    /// designs differ by a factor of 100. Plain SVG, no dependencies.
    /// </summary>
    public void WriteSvg(string path)
    {
        const int rowH = 26, top = 76, labelW = 175, panelW = 300, gap = 130;
        int x1 = labelW, x2 = labelW + panelW + gap;
        int width = x2 + panelW + 70;
        var rows = _designs.Select(d => (d.Name, d.Unp, Conn: Median(d.Name, "conn_per_s"), Cpu: Median(d.Name, "cpu_us_per_conn"),
                                          Missed: !IsC(d.Name) && !_unavailable.ContainsKey(d.Name) && Missed(d.Name).Count > 0)).ToList();
        int height = top + rowH * rows.Count + 40;
        var conn = new LogScale(rows.Select(r => r.Conn), panelW);
        var cpu = new LogScale(rows.Select(r => r.Cpu), panelW);
        var svg = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        svg.Append(inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append(inv, $"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>\n");
        svg.Append(inv, $"<text x=\"10\" y=\"20\" font-size=\"15\" font-weight=\"bold\">UNP figure 30.1 on this machine: echo server designs ({Environment.ProcessorCount} cores, Linux {Esc(File.ReadAllText("/proc/sys/kernel/osrelease").Trim())}, {DateTime.Now.ToString("yyyy-MM-dd", inv)})</text>\n");
        svg.Append(inv, $"<text x=\"{x1}\" y=\"44\" font-weight=\"bold\">connections/s, log scale (longer is better)</text>\n");
        svg.Append(inv, $"<text x=\"{x2}\" y=\"44\" font-weight=\"bold\">server CPU per connection, us, log scale</text>\n");
        Grid(svg, x1, top, rows.Count * rowH, conn);
        Grid(svg, x2, top, rows.Count * rowH, cpu);
        for (int i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            int y = top + i * rowH;
            string fill = IsC(r.Name) ? "#888888" : r.Missed ? "#d9822b" : "#2b7bd9";
            string label = r.Unp == "-" ? r.Name : $"{r.Name} ({r.Unp})";
            svg.Append(inv, $"<text x=\"{labelW - 8}\" y=\"{y + 17}\" text-anchor=\"end\">{Esc(label)}</text>\n");
            if (_unavailable.ContainsKey(r.Name))
            {
                svg.Append(inv, $"<text x=\"{x1 + 4}\" y=\"{y + 17}\" fill=\"#888888\" font-style=\"italic\">not available in this build</text>\n");
                continue;
            }
            Bar(svg, x1, y, conn.Width(r.Conn), fill, r.Conn.ToString("N0", inv));
            Bar(svg, x2, y, cpu.Width(r.Cpu), fill, r.Cpu.ToString("N0", inv));
        }
        int ly = top + rows.Count * rowH + 24;
        svg.Append(inv, $"<rect x=\"{labelW}\" y=\"{ly - 10}\" width=\"12\" height=\"12\" fill=\"#888888\"/><text x=\"{labelW + 16}\" y=\"{ly}\">C reference</text>\n");
        svg.Append(inv, $"<rect x=\"{labelW + 110}\" y=\"{ly - 10}\" width=\"12\" height=\"12\" fill=\"#2b7bd9\"/><text x=\"{labelW + 126}\" y=\"{ly}\">echosrv, targets met</text>\n");
        svg.Append(inv, $"<rect x=\"{labelW + 270}\" y=\"{ly - 10}\" width=\"12\" height=\"12\" fill=\"#d9822b\"/><text x=\"{labelW + 286}\" y=\"{ly}\">echosrv, a target missed (see the table)</text>\n");
        svg.Append("</svg>\n");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, svg.ToString());
        Console.Out.WriteLine($"designs chart written to {path}");
    }

    /// <summary>Whole decades around the values: a bar's length is its log10 within them.</summary>
    private readonly struct LogScale
    {
        public readonly double Low, High;
        private readonly int _width;

        public LogScale(IEnumerable<double> values, int width)
        {
            var v = values.Where(x => double.IsFinite(x) && x > 0).DefaultIfEmpty(1).ToArray();
            Low = Math.Floor(Math.Log10(v.Min()));
            High = Math.Max(Low + 1, Math.Ceiling(Math.Log10(v.Max())));
            _width = width;
        }

        public double Width(double v) => double.IsFinite(v) && v > 0 ? (Math.Log10(v) - Low) / (High - Low) * _width : 0;
    }

    private static void Grid(StringBuilder svg, int x, int top, int h, LogScale scale)
    {
        var inv = CultureInfo.InvariantCulture;
        for (double d = scale.Low; d <= scale.High; d++)
        {
            double gx = x + scale.Width(Math.Pow(10, d));
            svg.Append(inv, $"<line x1=\"{gx:F1}\" y1=\"{top}\" x2=\"{gx:F1}\" y2=\"{top + h}\" stroke=\"#dddddd\"/>\n");
            svg.Append(inv, $"<text x=\"{gx:F1}\" y=\"{top - 6}\" text-anchor=\"middle\" fill=\"#666666\" font-size=\"10\">{Math.Pow(10, d).ToString("N0", inv)}</text>\n");
        }
    }

    private static void Bar(StringBuilder svg, int x, int y, double w, string fill, string label)
    {
        var inv = CultureInfo.InvariantCulture;
        double width = double.IsFinite(w) ? Math.Max(1, w) : 0;
        svg.Append(inv, $"<rect x=\"{x}\" y=\"{y + 4}\" width=\"{width:F1}\" height=\"18\" fill=\"{fill}\"/>\n");
        svg.Append(inv, $"<text x=\"{x + width + 4:F1}\" y=\"{y + 17}\">{Esc(label)}</text>\n");
    }

    private static string Esc(string s) => SecurityElement.Escape(s) ?? "";
}
