namespace UnpServers.Stress;

/// <summary>The end-of-run summary and the pass/fail criteria of fork-safety.md.</summary>
public sealed class Report
{
    public long Requested, Completed, Ok, Cut, Mismatch, Timeouts, ConnectFailures, TermKills, KillKills;
    public int Clients, KilledLogged, Crashed, Hung, Zombies, FdStart, FdEnd;
    public double Seconds;
    public long RssStartKb, RssAfter1000Kb, RssEndKb;
    public bool ParentAlive;
    public (int Code, long Ms)? Stop;

    private long Kills => TermKills + KillKills;

    /// <summary>A cut connection is explained by a kill; more cuts than kills are errors.</summary>
    private long UnexplainedCuts => Math.Max(0, Cut - Kills);

    public long Errors => Mismatch + Timeouts + ConnectFailures + UnexplainedCuts;

    private double RssGrowth => RssAfter1000Kb > 0 ? (RssEndKb - RssAfter1000Kb) / (double)RssAfter1000Kb : double.NaN;

    public IEnumerable<string> Failures()
    {
        if (Completed < Requested) yield return $"only {Completed} of {Requested} connections completed in time";
        if (Errors > 0) yield return $"{Errors} errors";
        if (Hung > 0) yield return $"{Hung} hung children";
        if (Crashed > 0) yield return $"{Crashed} crashed children";
        if (Zombies > 0) yield return $"{Zombies} zombies left";
        if (FdEnd != FdStart) yield return $"parent descriptors {FdStart} -> {FdEnd}";
        if (!(Math.Abs(RssGrowth) <= 0.10)) yield return $"parent RSS moved {RssGrowth:P1} from its value after 1,000 connections";
        if (!ParentAlive) yield return "the parent died";
        if (Stop is not { Code: 0 }) yield return "the parent did not exit 0 on SIGTERM within 5 s";
    }

    public bool Passed => !Failures().Any();

    public void Print(TextWriter w)
    {
        w.WriteLine($"stress: {Completed:N0} connections from {Clients} clients in {Seconds:F1} s ({Completed / Seconds:N0} conn/s); " +
                    $"{Kills:N0} children killed ({TermKills:N0} SIGTERM, {KillKills:N0} SIGKILL)");
        w.WriteLine($"  errors:              {Errors}  (data mismatches {Mismatch}, time-outs {Timeouts}, connect failures {ConnectFailures}, cuts beyond kills {UnexplainedCuts})");
        w.WriteLine($"  echoed whole:        {Ok:N0};  cut short by a kill: {Cut:N0};  kills the server logged: {KilledLogged:N0}");
        w.WriteLine($"  hung children:       {Hung}");
        w.WriteLine($"  crashed children:    {Crashed}  (a signal other than our TERM/KILL, or a non-zero exit)");
        w.WriteLine($"  zombies left:        {Zombies}");
        w.WriteLine($"  parent descriptors:  start {FdStart}, end {FdEnd}");
        w.WriteLine($"  parent RSS:          start {RssStartKb / 1024.0:F1} MB, after 1,000 connections {RssAfter1000Kb / 1024.0:F1} MB, end {RssEndKb / 1024.0:F1} MB ({RssGrowth:+0.0%;-0.0%;0.0%})");
        w.WriteLine($"  parent stop:         {(Stop is { } s ? $"exit {s.Code} {s.Ms} ms after SIGTERM" : "did not exit within 5 s of SIGTERM")}");
        var failures = Failures().ToList();
        w.WriteLine(failures.Count == 0 ? "RESULT: PASS" : "RESULT: FAIL: " + string.Join("; ", failures));
    }
}
