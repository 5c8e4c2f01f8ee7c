// What the one-thread multiplexers (select, poll, epoll; UNP 6.8, 6.11) share besides
// their wait: every client's echo session, the stats line with those clients as "active",
// and the stop that closes them.
using UnpServers.Unp;

namespace UnpServers.Server.Designs;

public abstract class MultiplexingDesign : ServerDesign
{
    protected EchoSessions Sessions { get; private set; } = null!;

    public override void Prepare(ServerCore core) => Sessions = new EchoSessions(core.Service.IdleTimeoutMs);

    public override int Active(ServerCore core) => Sessions.Count;

    public override void LogStats(ServerCore core)
    {
        core.Stats.PeakActive = Sessions.Peak;
        core.LogStats(Sessions.Count);
    }

    public override void StopConnections(ServerCore core)
    {
        Sessions.CloseAll();
        Log.Info("stopped");
    }
}
