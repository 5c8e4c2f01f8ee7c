// Pre-forked children that cannot start: forks that fail (EAGAIN at RLIMIT_NPROC), or children
// that die at once (a lock that always fails). Each failure in a row doubles the pause before
// the next try, and while they last Prefork forks one child at a time, until one lives
// Tunables.ChildStartMs. The log says "fork error" once, then sums up instead of repeating.
using UnpServers.Interop;
using UnpServers.Unp;

namespace UnpServers.Server.Designs;

internal sealed class StartFailures
{
    private int _failures, _failedForks, _diedAtOnce;
    private long _since, _lastSummaryAt;

    /// <summary>When the next fork may be tried.</summary>
    public long NextTryAt { get; private set; }

    /// <summary>Failures in a row: while there are any, one child is forked at a time.</summary>
    public int InARow => _failures;

    /// <summary>A fork failed: the pause grows, and the log says so (at most every Tunables.ForkErrorSummaryMs).</summary>
    public void ForkFailed(int err, long now, int running, int slots)
    {
        _failedForks++;
        Failed(now, forkFailed: true);
        if (_failedForks > 1 && now - _lastSummaryAt < Tunables.ForkErrorSummaryMs) return;
        _lastSummaryAt = now;
        LogLine line = Log.Line().Add("fork error: "u8).AddErrno(err);
        if (_failedForks > 1) line.Add(": "u8).Add(_failedForks).Add(" forks failed in "u8).Add((now - _since) / 1000).Add(" s"u8);
        Log.Error(line.Add("; "u8).Add(running).Add(" of "u8).Add(slots).Add(" children running, next try in "u8)
                      .Add(NextTryAt - now).Add(" ms"u8));
    }

    /// <summary>Children ended by themselves within Tunables.ChildStartMs of their fork: one failure however many (a broken lock ends them all at once).</summary>
    public void DiedAtOnce(int children, long now)
    {
        _diedAtOnce += children;
        Failed(now, forkFailed: false);
    }

    /// <summary>The first such child is replaced at once (one may be chance); then the pause is 100 ms, doubling to Tunables.MaxRestartPauseMs.</summary>
    private void Failed(long now, bool forkFailed)
    {
        if (_failures++ == 0) _since = now;
        int pauseMs = _failures == 1 && !forkFailed ? 0 : Math.Min(100 << Math.Min(_failures - 1, 10), Tunables.MaxRestartPauseMs);
        NextTryAt = now + pauseMs;
    }

    /// <summary>A child lived: the trouble is over. Returns what it was, for Log once the slots are filled.</summary>
    public (int FailedForks, int DiedAtOnce, long TookMs) End(long now)
    {
        var trouble = (_failedForks, _diedAtOnce, now - _since);
        _failures = _failedForks = _diedAtOnce = 0;
        NextTryAt = _lastSummaryAt = 0;
        return trouble;
    }

    /// <summary>"N of M children running again, after ...", when there was trouble worth a line.</summary>
    public static void LogEnded((int FailedForks, int DiedAtOnce, long TookMs) t, int running, int slots)
    {
        if (t.FailedForks == 0 && t.DiedAtOnce <= 1) return; // one child killed young: nothing to report
        LogLine line = Log.Line().Add(running).Add(" of "u8).Add(slots).Add(" children running again, after "u8);
        if (t.FailedForks > 0) line.Add(t.FailedForks).Add(" failed forks"u8).Add(t.DiedAtOnce > 0 ? " and "u8 : ""u8);
        if (t.DiedAtOnce > 0) line.Add(t.DiedAtOnce).Add(" children that died within 1 s of their fork"u8);
        Log.Info(line.Add(" in "u8).Add(t.TookMs / 1000).Add(" s"u8));
    }

    /// <summary>
    /// Whether a child ended by itself: it exited (a lock or accept error: exit 1) or crashed.
    /// One killed by SIGTERM, SIGKILL, ^C or SIGHUP was ended by someone: no sign that the next will not start.
    /// </summary>
    public static bool EndedItself(int status)
    {
        int sig = LibC.WTERMSIG(status);
        return LibC.WIFEXITED(status) || LibC.WCOREDUMP(status)
               || sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGABRT;
    }
}
