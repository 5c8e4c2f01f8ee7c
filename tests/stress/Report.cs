namespace UnpServers.Stress;

/// <summary>The end-of-run summary and the pass/fail criteria of fork-safety.md.</summary>
public sealed class Report
{
    public long Requested, QuietRequested, Completed, TermKills, KillKills, UnmarkedKills;
    public Phase Kill = new(), Quiet = new();
    public int Clients, KillEveryMs, KilledLogged, Crashed, Hung, Zombies, FdStart, FdEnd, IoTimeoutSeconds;
    /// <summary>The server's log lines behind a crash or an error, printed with the report.</summary>
    public string[] Evidence = [];
    public double Seconds, KillSeconds, QuietSeconds;
    public long RssStartKb, RssAfter1000Kb, RssEndKb;
    public bool ParentAlive;
    public (int Code, long Ms)? Stop;

    private long Kills => TermKills + KillKills;

    /// <summary>
    /// Kill phase: a cut connection is an error unless the killer had marked that very
    /// connection before its kill. Quiet phase: anything but a whole echo is an error.
    /// </summary>
    private long KillErrors => Kill.Mismatch + Kill.Timeouts + Kill.ConnectFailures + Kill.Unattributed;
    private long QuietErrors => Quiet.Mismatch + Quiet.ConnectFailures + Quiet.Unattributed + Quiet.Cut;
    private long Hangs => Kill.Timeouts + Kill.Slow + Quiet.Timeouts + Quiet.Slow;

    private double RssGrowth => RssAfter1000Kb > 0 ? (RssEndKb - RssAfter1000Kb) / (double)RssAfter1000Kb : double.NaN;

    public IEnumerable<string> Failures()
    {
        if (Kill.Completed < Requested) yield return $"only {Kill.Completed} of {Requested} kill-phase connections completed in time";
        if (Quiet.Completed < QuietRequested) yield return $"only {Quiet.Completed} of {QuietRequested} quiet-phase connections completed in time";
        if (KillEveryMs > 0 && Kills == 0) yield return "no child was killed (the killer could not read any child's connection: pidfd_getfd refused?)";
        if (Kill.Unattributed > 0) yield return $"{Kill.Unattributed} connections cut by no kill of ours";
        if (Hangs > 0) yield return $"{Hangs} connections hung (no whole echo within {IoTimeoutSeconds} s)";
        long other = KillErrors - Kill.Unattributed - Kill.Timeouts + QuietErrors;
        if (other > 0) yield return $"{other} other errors";
        if (Hung > 0) yield return $"{Hung} hung children";
        if (Crashed > 0) yield return $"{Crashed} crashed children";
        // Fewer is normal (a child that had just exited when the signal came); more is someone else's kill.
        if (KilledLogged > Kills + UnmarkedKills) yield return $"{KilledLogged - Kills - UnmarkedKills} children killed by a TERM or KILL not ours";
        if (Zombies > 0) yield return $"{Zombies} zombies left";
        if (FdEnd != FdStart) yield return $"parent descriptors {FdStart} -> {FdEnd}";
        if (!(Math.Abs(RssGrowth) <= 0.10)) yield return $"parent RSS moved {RssGrowth:P1} from its value after 1,000 connections";
        if (!ParentAlive) yield return "the parent died";
        if (Stop is not { Code: 0 }) yield return "the parent did not exit 0 on SIGTERM within 5 s";
    }

    public bool Passed => !Failures().Any();

    public void Print(TextWriter w)
    {
        w.WriteLine($"stress: {Completed:N0} connections from {Clients} clients in {Seconds:F1} s ({Completed / Seconds:N0} conn/s)");
        w.WriteLine($"  kill phase:          {Kill.Completed:N0} connections in {KillSeconds:F1} s; {Kills:N0} children killed ({TermKills:N0} SIGTERM, {KillKills:N0} SIGKILL), each while serving a known connection");
        if (UnmarkedKills > 0) w.WriteLine($"    --sabotage:        {UnmarkedKills:N0} more killed by the sabotage, not recorded on a connection");
        w.WriteLine($"    echoed whole:      {Kill.Ok:N0};  cut short by our kill of that connection: {Kill.Cut:N0};  kills the server logged: {KilledLogged:N0}");
        w.WriteLine($"    errors:            {KillErrors}  (cut by no kill of ours {Kill.Unattributed}, data mismatches {Kill.Mismatch}, time-outs {Kill.Timeouts}, connect failures {Kill.ConnectFailures})");
        w.WriteLine($"  quiet phase:         {Quiet.Completed:N0} connections in {QuietSeconds:F1} s, no kills; slowest {Quiet.MaxMs} ms");
        w.WriteLine($"    echoed whole:      {Quiet.Ok:N0};  errors: {QuietErrors + Quiet.Timeouts}  (cut {Quiet.Cut + Quiet.Unattributed}, data mismatches {Quiet.Mismatch}, time-outs {Quiet.Timeouts}, connect failures {Quiet.ConnectFailures})");
        w.WriteLine($"  hung connections:    {Hangs}  (slower than {IoTimeoutSeconds} s, either phase)");
        w.WriteLine($"  hung children:       {Hung}");
        w.WriteLine($"  crashed children:    {Crashed}  (a signal other than our TERM/KILL, or a non-zero exit)");
        foreach (string line in Evidence) w.WriteLine($"    server log:        {line}");
        w.WriteLine($"  zombies left:        {Zombies}");
        w.WriteLine($"  parent descriptors:  start {FdStart}, end {FdEnd}");
        w.WriteLine($"  parent RSS:          start {RssStartKb / 1024.0:F1} MB, after 1,000 connections {RssAfter1000Kb / 1024.0:F1} MB, end {RssEndKb / 1024.0:F1} MB ({RssGrowth:+0.0%;-0.0%;0.0%})");
        w.WriteLine($"  parent stop:         {(Stop is { } s ? $"exit {s.Code} {s.Ms} ms after SIGTERM" : "did not exit within 5 s of SIGTERM")}");
        var failures = Failures().ToList();
        w.WriteLine(failures.Count == 0 ? "RESULT: PASS" : "RESULT: FAIL: " + string.Join("; ", failures));
    }
}
