// What a server design is, for ServerCore: UNP chapter 30's models each implement this,
// one file each in this folder, and For() picks one from --model.
using UnpServers.Child;
using UnpServers.ForkSafety;

namespace UnpServers.Server.Designs;

public abstract class ServerDesign
{
    /// <summary>The design of model, or null when this build has none (ServerModels.TryParse refuses its name).</summary>
    public static ServerDesign? Create(ServerModel model) => model switch
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
        _ => null,
    };

    public static bool IsAvailable(ServerModel model) => Create(model) != null;

    public static ServerDesign For(ServerModel model)
        => Create(model) ?? throw new ArgumentOutOfRangeException(nameof(model), model, "no such design in this build");

    /// <summary>
    /// After the listener, the log, --user and the signalfd, before "listening on": a forking
    /// design calls ChildMain.Prepare and the Rehearsal here (R3, R4); a pre-forking one starts its children.
    /// </summary>
    public virtual void Prepare(ServerCore core) { }

    /// <summary>The design's main loop, until a stop signal; returns the exit status (core.Stop() is 0).</summary>
    public abstract int Serve(ServerCore core);

    /// <summary>Connections (or children) being served, for the stats line and --max-children.</summary>
    public virtual int Active(ServerCore core) => core.Children.Running;

    /// <summary>After SIGCHLD was handled, or before a stats line: a pre-forking design replaces dead children here.</summary>
    public virtual void ChildrenChanged(ServerCore core) { }

    /// <summary>SIGUSR1: the stats line, with the design's active count (a design may add its own lines).</summary>
    public virtual void LogStats(ServerCore core) => core.LogStats(Active(core));

    /// <summary>Stopping, after the listener was closed: end every connection, then log "stopped".</summary>
    public virtual void StopConnections(ServerCore core) => core.StopChildren();

    /// <summary>
    /// The forking designs' preparation (fork-safety R3, R4): what every child is given, and
    /// the rehearsal of the child's path (with a pre-forked child's loop, if any).
    /// </summary>
    protected static void PrepareFork(ServerCore core, PreforkLoop? loop = null)
    {
        ChildMain.Prepare(RuntimeGuard.StartMask, sigpipeDefault: false); // UNP 5.13: SIGPIPE stays ignored
        Rehearsal.Run(core.Service, loop);
    }
}
