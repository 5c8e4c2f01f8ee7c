// The counters SIGUSR1 reports (stats line): accepted, reaped, peak active, fork failures.
namespace UnpServers.Server;

/// <summary>Counters for the SIGUSR1 line.</summary>
public sealed class ServerStats
{
    public long Accepted;
    public long Reaped;
    public int PeakActive;
    public long ForkFailures;
}
