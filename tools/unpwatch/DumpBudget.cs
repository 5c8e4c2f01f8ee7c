// What the socket dumps may cost: sock_diag walks every TCP socket of the machine, so a machine
// left with 100,000 TIME_WAITs by a benchmark makes each dump cost 10-30 ms of CPU, where a
// quiet one costs a fraction of a millisecond. A token bucket keeps the dumps under 0.75% of
// one core: every frame on a quiet machine, less often on a crowded one, with a few at once
// kept in hand for when the server forks or a child exits.
using System.Diagnostics;

namespace UnpServers.UnpWatch;

public sealed class DumpBudget
{
    /// <summary>The share of one core the dumps may use.</summary>
    public const double Share = 0.0075;
    private const int Burst = 3;

    private double _tokens = double.MaxValue;
    private double _cost;
    private long _last;

    /// <summary>Seconds between dumps the budget allows now (0.1 or less: every frame).</summary>
    public double Interval => _cost / Share;

    /// <summary>
    /// Whether a dump may be taken now; if so, it is paid for. A dump that is not urgent
    /// leaves one in hand for one that is (the server forked, a child exited).
    /// </summary>
    public bool TryTake(long now, bool urgent)
    {
        double cap = Math.Max(Burst * _cost, Share * 0.1);
        _tokens = Math.Min(cap, _tokens == double.MaxValue ? cap : _tokens + Stopwatch.GetElapsedTime(_last, now).TotalSeconds * Share);
        _last = now;
        if (_tokens < (urgent ? 1 : 2) * _cost) return false;
        _tokens -= _cost;
        return true;
    }

    /// <summary>What the dump just taken cost (CPU seconds): the next ones are expected to cost about as much.</summary>
    public void Paid(double cost)
    {
        _tokens -= Math.Max(0, cost - _cost); // the estimate was short: pay the rest
        _cost = _cost == 0 ? cost : 0.7 * _cost + 0.3 * cost;
    }
}
