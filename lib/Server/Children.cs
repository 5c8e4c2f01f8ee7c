// The forking designs' children (UNP 5.8-5.10, 30.6): each held by its pid and a pidfd in the
// ChildTable, collected by the Reaper as --reap says, and stopped with the server. Only the
// forking designs (ForkingDesign) own one.
using UnpServers.ForkSafety;
using UnpServers.Interop;
using UnpServers.Unp;

namespace UnpServers.Server;

public sealed class Children
{
    private readonly ReapMode _mode;
    private readonly ServerStats _stats;
    private readonly SignalQueue _signals;

    public ChildTable Table { get; }
    public Reaper Reaper { get; }

    /// <summary>fork() failures, for the stats line.</summary>
    public long ForkFailures;

    /// <summary>The table is sized for --max-children; installs --reap's SIGCHLD disposition.</summary>
    public Children(ServerCore core)
    {
        (_mode, _stats, _signals) = (core.Options.Reap, core.Stats, core.Signals);
        Table = new ChildTable(core.Options.MaxChildren + 16);
        Reaper = new Reaper(_mode, Table);
        Reaper.Install();
    }

    /// <summary>Children running: what --max-children counts.</summary>
    public int Running => Table.Running;

    /// <summary>
    /// Holds a new child by a pidfd as well as its pid (opened after close(connfd), so a
    /// descriptor is free for it). pidfd_open sets close-on-exec itself: an exec'd child
    /// does not inherit it; a forked one closes it (ChildMain).
    /// </summary>
    public void Track(int pid)
    {
        int pidfd = LibC.pidfd_open(pid, 0);
        if (pidfd < 0)
        {
            int err = Errno.Last;
            if (err == ESRCH) // --reap ignore: exited and reaped already
            {
                Vanished();
                return;
            }
            Log.Error(Log.Line().Add("pidfd_open error: "u8).AddErrno(err));
        }
        else if (_mode == ReapMode.Ignore && Reaper.HasVanished(pid, -1))
        {
            LibC.close(pidfd); // reaped by the kernel before pidfd_open: that pid is no longer our child's
            Vanished();
            return;
        }
        Table.Add(pid, pidfd);
        _stats.PeakActive = Math.Max(_stats.PeakActive, Table.Running);
    }

    /// <summary>
    /// A child gone before it was tracked (the parent was not scheduled between fork and
    /// pidfd_open): it still ran beside the others, so it counts towards the peak.
    /// </summary>
    private void Vanished()
    {
        _stats.PeakActive = Math.Max(_stats.PeakActive, Table.Running + 1);
        Reaper.ReapedByKernel();
    }

    /// <summary>
    /// Stopping: SIGTERM to every child (SIGKILL after Tunables.StopGraceMs), each reaped,
    /// then "stopped", saying how many did not exit.
    /// </summary>
    public void Stop()
    {
        Signal(SIGTERM);
        long deadline = Environment.TickCount64 + Tunables.StopGraceMs;
        bool killed = false;
        for (;;)
        {
            Reaper.ReapAll(); // --reap none and wait left zombies: a stopping server collects them all
            if (Table.Count == 0) break;
            if (Environment.TickCount64 > deadline)
            {
                if (killed) break;
                Signal(SIGKILL);
                killed = true;
                deadline = Environment.TickCount64 + Tunables.KillGraceMs;
            }
            Io.WaitReadable(_signals.Fd, 50);
            while (_signals.TryRead(out _)) { }
        }
        Log.Info(Table.Count == 0 ? "stopped" : $"stopped; {Table.Count} children did not exit");
    }

    /// <summary>
    /// Signals every running child through its pidfd, which cannot name a process that reused
    /// the pid. Without one, only a child the kernel does not reap by itself (not --reap
    /// ignore) keeps its pid until we wait for it, so kill() is safe there.
    /// </summary>
    public void Signal(int sig)
    {
        for (int i = 0; i < Table.Count; i++)
        {
            if (Table.HasExited(i)) continue;
            if (Table.Pidfd(i) >= 0) LibC.pidfd_send_signal(Table.Pidfd(i), sig);
            else if (_mode != ReapMode.Ignore) LibC.kill(Table.Pid(i), sig);
        }
    }
}
