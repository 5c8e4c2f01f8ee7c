// What a server design is, for ServerCore: UNP chapter 30's models (and 1.5, 6.8, 6.11) each
// implement this, one file each in this folder, and For() picks one from --model.
using UnpServers.Interop;

namespace UnpServers.Server.Designs;

public abstract class ServerDesign
{
    public static ServerDesign For(ServerModel model) => model switch
    {
        ServerModel.Iterative => new Iterative(),
        ServerModel.Fork => new ForkPerConnection(),
        ServerModel.Prefork => new Prefork(),
        ServerModel.PreforkFlock => new PreforkFlock(),
        ServerModel.PreforkMutex => new PreforkMutex(),
        ServerModel.PreforkPass => new PreforkPass(),
        ServerModel.Thread => new ThreadPerConnection(),
        ServerModel.Prethread => new Prethread(),
        ServerModel.PrethreadMain => new PrethreadMain(),
        ServerModel.Select => new Select(),
        ServerModel.Poll => new Poll(),
        ServerModel.Epoll => new Epoll(),
        _ => throw new ArgumentOutOfRangeException(nameof(model), model, null),
    };

    /// <summary>
    /// After the listener, the log, --user and the signalfd, before "listening on": a forking
    /// design prepares its children here (ForkingDesign); a pre-forking one starts them.
    /// </summary>
    public virtual void Prepare(ServerCore core) { }

    /// <summary>The design's main loop, until a stop signal; returns the exit status (core.Stop() is 0).</summary>
    public abstract int Serve(ServerCore core);

    /// <summary>Connections being served (children, threads or clients), for the stats line.</summary>
    public abstract int Active(ServerCore core);

    /// <summary>A SIGCHLD: only the forking designs have children to collect.</summary>
    public virtual void OnSigchld(in signalfd_siginfo info) { }

    /// <summary>After SIGCHLD was handled, or before a stats line: a pre-forking design replaces dead children here.</summary>
    public virtual void ChildrenChanged(ServerCore core) { }

    /// <summary>SIGUSR1: the stats line, with the design's active count (a design may add its own lines).</summary>
    public virtual void LogStats(ServerCore core) => core.LogStats(Active(core));

    /// <summary>Stopping, after the listener was closed: end every connection, then log "stopped".</summary>
    public abstract void StopConnections(ServerCore core);
}
