// What the one-thread echo servers (select, poll, epoll; UNP 6.8, 6.11) share besides their
// wait: every client's echo session (they echo, and nothing else: ServerModels.EchoOnly),
// a turn's time-out, accepting into the set, the stats line and the stop that closes them.
using UnpServers.Unp;

namespace UnpServers.Server.Designs;

public abstract class EchoMultiplexer : ServerDesign
{
    protected EchoSessions Sessions { get; private set; } = null!;

    public override void Prepare(ServerCore core) => Sessions = new EchoSessions(core.Service.IdleTimeoutMs);

    public override int Active(ServerCore core) => Sessions.Count;

    /// <summary>
    /// The start of a turn of the loop: idle clients closed (forget clears the design's slot
    /// first); whether to watch the listener, and how long the wait may last.
    /// </summary>
    protected bool NextTurn(ServerCore core, Action<EchoSession> forget, out int timeoutMs)
    {
        int idleMs = Sessions.ExpireIdle(forget);
        bool accepting = core.Listener.AcceptingNow(Sessions.Count, out timeoutMs);
        if (idleMs >= 0 && (timeoutMs < 0 || idleMs < timeoutMs)) timeoutMs = idleMs;
        return accepting;
    }

    /// <summary>Accepts what is queued, up to --max-children clients, each taken by Admit; 0, or the errno of a fatal accept error.</summary>
    protected int AcceptSome(ServerCore core)
    {
        for (int burst = 0; burst < Tunables.AcceptBurst && Sessions.Count < core.Options.MaxChildren; burst++)
        {
            int connfd = core.Listener.Accept(out int fatal);
            if (connfd < 0) return fatal;
            Admit(connfd);
        }
        return 0;
    }

    /// <summary>The book's "new client connection": connfd into the design's set (or closed, with a reason logged).</summary>
    protected abstract void Admit(int connfd);

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
