// What the forking designs (fork, UNP 5.10; the pre-forked ones, 30.6-30.9) share: their
// children (Children: the table, the reaper, the stop), SIGCHLD, the stats line's children,
// and what fork-safety asks of the parent before its first fork (R3, R4).
using UnpServers.Child;
using UnpServers.ForkSafety;
using UnpServers.Interop;

namespace UnpServers.Server.Designs;

public abstract class ForkingDesign : ServerDesign
{
    protected Children Children { get; private set; } = null!;

    /// <summary>The children's table and reaper; the design then calls PrepareFork.</summary>
    public override void Prepare(ServerCore core) => Children = new Children(core);

    public override int Active(ServerCore core) => Children.Running;

    public override void OnSigchld(in signalfd_siginfo info) => Children.Reaper.OnSigchld(info);

    public override void LogStats(ServerCore core)
    {
        Children.Reaper.Poll(); // --reap ignore: children the kernel released since their SIGCHLD
        core.LogStats(Active(core), Children);
    }

    public override void StopConnections(ServerCore core) => Children.Stop();

    /// <summary>
    /// What every child is given (R3), and the rehearsal of the child's path, with a pre-forked
    /// child's loop if any (R4).
    /// </summary>
    protected static void PrepareFork(ServerCore core, PreforkLoop? loop = null)
    {
        ChildMain.Prepare(RuntimeGuard.StartMask, sigpipeDefault: false); // UNP 5.13: SIGPIPE stays ignored
        Rehearsal.Run(core.Service, loop);
    }
}
