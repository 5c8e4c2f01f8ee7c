// Collecting children, the four ways of UNP 5.8-5.10. Runs in the parent's main loop,
// never in signal context: SIGCHLD arrives through the signalfd (fork-safety R2).
using UnpServers.Interop;
using UnpServers.Unp;

namespace UnpServers.Server;

public sealed class Reaper(ReapMode mode, ChildTable children)
{
    /// <summary>Children collected (by the kernel, in --reap ignore), for the stats line.</summary>
    public long Reaped { get; private set; }

    /// <summary>--reap ignore: a child gone before it was tracked.</summary>
    public void ReapedByKernel() => Reaped++;

    /// <summary>--reap ignore: SA_NOCLDWAIT makes the kernel reap. SIGCHLD still arrives, so the table stays right.</summary>
    public void Install()
    {
        if (mode != ReapMode.Ignore) return;
        if (Signals.Signal(SIGCHLD, LibC.SIG_DFL, SA_NOCLDWAIT) < 0) throw new UnpException("sigaction", Errno.Last);
    }

    /// <summary>One SIGCHLD notification, which may stand for several children.</summary>
    public void OnSigchld(in signalfd_siginfo info)
    {
        switch (mode)
        {
            case ReapMode.Waitpid:
                ReapAll();
                break;
            case ReapMode.Wait:
                // tcpserv03: exactly one wait() per notification. Notifications that arrived
                // together were merged into one, so some zombies stay (UNP 5.10).
                NoteZombies();
                bool exitNotice = info.ssi_code == CLD_EXITED || info.ssi_code == CLD_KILLED || info.ssi_code == CLD_DUMPED;
                if (exitNotice && children.Count > children.Running)
                {
                    int pid = LibC.wait(out int status); // a zombie exists, so this does not block
                    if (pid > 0) Collected(pid, status);
                }
                break;
            case ReapMode.None:
                NoteZombies(); // tcpserv01 reaps nothing; only --max-children needs to know
                break;
            case ReapMode.Ignore:
                ForgetVanished();
                break;
        }
    }

    /// <summary>
    /// --reap ignore only: how often to look for children the kernel reaped. SIGCHLD can
    /// arrive before the kernel has released the child, and no second one follows.
    /// </summary>
    public int PollIntervalMs => mode == ReapMode.Ignore && children.Count > 0 ? Tunables.VanishedPollMs : -1;

    /// <summary>Called when the main loop's poll() times out, and before a stats line; forgets vanished children in --reap ignore.</summary>
    public void Poll()
    {
        if (mode == ReapMode.Ignore && children.Count > 0) ForgetVanished();
    }

    /// <summary>UNP 5.10: waitpid(-1, WNOHANG) in a loop, until no child is left to collect.</summary>
    public void ReapAll()
    {
        if (mode == ReapMode.Ignore)
        {
            ForgetVanished();
            return;
        }
        int pid;
        while ((pid = LibC.waitpid(-1, out int status, LibC.WNOHANG)) > 0) Collected(pid, status);
    }

    /// <summary>Told of each child collected, with its wait status (a pre-forking design asks why it ended).</summary>
    public Action<int, int>? OnCollected { get; set; }

    private void Collected(int pid, int status)
    {
        if (!children.Remove(pid)) return;
        Reaped++;
        OnCollected?.Invoke(pid, status);
        LogLine line = Log.Line().Add("child "u8).Add(pid);
        if (LibC.WIFEXITED(status))
        {
            line.Add(" terminated, exit status "u8).Add(LibC.WEXITSTATUS(status));
        }
        else
        {
            int sig = LibC.WTERMSIG(status);
            line.Add(" terminated by signal "u8).Add(sig).Add(" ("u8).Add(Signals.Text(sig)).Add(")"u8);
            if (LibC.WCOREDUMP(status)) line.Add(", core dumped"u8);
        }
        Log.Info(line);
    }

    /// <summary>Marks exited children as zombies without reaping them (waitid with WNOWAIT).</summary>
    private void NoteZombies()
    {
        for (int i = 0; i < children.Count; i++)
        {
            if (children.HasExited(i)) continue;
            int pid = children.Pid(i);
            if (LibC.waitid(LibC.P_PID, pid, out siginfo_t info, LibC.WEXITED | LibC.WNOHANG | LibC.WNOWAIT) == 0 && info.si_pid == pid)
                children.MarkExited(i);
        }
    }

    /// <summary>
    /// --reap ignore: forgets the children that have exited (the kernel reaps them). Not
    /// kill(pid, 0): once reaped, the pid may already name another process.
    /// </summary>
    private void ForgetVanished()
    {
        for (int i = children.Count - 1; i >= 0; i--)
        {
            if (HasVanished(children.Pid(i), children.Pidfd(i)) && children.Remove(children.Pid(i))) Reaped++;
        }
    }

    /// <summary>
    /// --reap ignore: whether a child has exited. A pidfd polls readable once its process
    /// has exited (pidfd_open(2)); without one, waitid() tells whether pid is still a child of ours.
    /// </summary>
    public static bool HasVanished(int pid, int pidfd)
        => pidfd >= 0
            ? Io.WaitReadable(pidfd, 0) > 0
            : LibC.waitid(LibC.P_PID, pid, out siginfo_t _, LibC.WEXITED | LibC.WNOHANG | LibC.WNOWAIT) < 0 && Errno.Last == ECHILD;
}
