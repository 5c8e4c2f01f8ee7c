// The counters of every design's SIGUSR1 line; the forking designs add their children's (Children).
namespace UnpServers.Server;

/// <summary>Counters for the SIGUSR1 line.</summary>
public sealed class ServerStats
{
    public long Accepted;
    public int PeakActive;
}
