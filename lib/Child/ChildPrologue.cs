// UNP 5.10, fork-safety R3 (docs/fork-safety.md): what every kind of child shares, the fork
// and the prologue. _Fork() runs with every signal blocked; the child resets the runtime's
// handlers, sets SIGPIPE, closes every descriptor it does not keep, then restores the mask
// the server was started with. The kinds of child: ChildPerConnection.cs (tcpserv04),
// ChildExec.cs (--exec), ChildAccept.cs (child02.c), ChildReceive.cs (child05.c).
using System.Runtime.InteropServices;
using UnpServers.Interop;
using UnpServers.Unp;

namespace UnpServers.Child;

public static partial class ChildMain
{
    private static sigset_t s_allSignals;
    private static sigset_t s_childMask;
    private static int[] s_runtimeHandlers = [];
    private static bool s_sigpipeDefault;

    /// <summary>
    /// Called once, before the first fork. childMask: the signal mask the server was started
    /// with. sigpipeDefault: false keeps SIGPIPE ignored, so a write to a reset peer fails with
    /// EPIPE (UNP 5.13).
    /// </summary>
    [BeforeFork]
    public static void Prepare(in sigset_t childMask, bool sigpipeDefault)
    {
        LibC.sigfillset(out s_allSignals);
        s_childMask = childMask;
        s_runtimeHandlers = RuntimeHandlers();
        s_sigpipeDefault = sigpipeDefault;
        AllocationReport.Prepare();
    }

    /// <summary>
    /// R3: fork with every signal blocked, so that no handler runs in the child before the reset.
    /// _Fork, not fork: glibc's fork() locks and resets malloc, stdio and the loader for the
    /// child's sake when the process has threads (the finalizer), and ours may use none of them.
    /// </summary>
    private static int Fork()
    {
        LibC.sigprocmask(SIG_SETMASK, s_allSignals, out sigset_t parentMask);
        int pid = LibC._Fork();
        if (pid == 0) return 0; // the child unblocks in Prologue, after the reset
        int err = Errno.Last;
        LibC.sigprocmask(SIG_SETMASK, parentMask);
        Marshal.SetLastPInvokeError(err);
        return pid;
    }

    /// <summary>
    /// R3: make the child an ordinary process of its own before it does anything. It keeps
    /// stdin, stdout, stderr and the three descriptors given (-1: none); every other one, the
    /// parent's listener, signalfd, pidfds and channels, is closed, in a few close_range calls.
    /// </summary>
    private static void Prologue(int keep1, int keep2, int keep3)
    {
        // The runtime's handlers talk to threads the child does not have: back to SIG_DFL.
        for (int i = 0; i < s_runtimeHandlers.Length; i++) Signals.Signal(s_runtimeHandlers[i], LibC.SIG_DFL);
        Signals.Signal(SIGPIPE, s_sigpipeDefault ? LibC.SIG_DFL : LibC.SIG_IGN);

        // The three in order (by hand: every function a child calls is code pages it faults in).
        if (keep1 > keep2) (keep1, keep2) = (keep2, keep1);
        if (keep2 > keep3) (keep2, keep3) = (keep3, keep2);
        if (keep1 > keep2) (keep1, keep2) = (keep2, keep1);
        int next = 3;
        next = CloseBelow(keep1, next);
        next = CloseBelow(keep2, next);
        next = CloseBelow(keep3, next);
        LibC.close_range((uint)next, uint.MaxValue, 0);

        // Now that the handlers are the defaults, the mask the server was started with:
        // TERM, INT, KILL end this child only.
        LibC.sigprocmask(SIG_SETMASK, s_childMask);
    }

    /// <summary>Closes next .. keep-1 and returns the descriptor after keep; keep below next (none, stdio, twice) changes nothing.</summary>
    private static int CloseBelow(int keep, int next)
    {
        if (keep < next) return next;
        if (keep > next) LibC.close_range((uint)next, (uint)keep - 1, 0);
        return keep + 1;
    }

    /// <summary>
    /// The signals that have a handler (neither SIG_DFL nor SIG_IGN): the runtime's. Read in
    /// the parent once, so the child only resets them instead of asking about all 64.
    /// </summary>
    [BeforeFork]
    private static int[] RuntimeHandlers()
    {
        var handled = new List<int>();
        for (int sig = 1; sig < NSIG; sig++)
        {
            if (sig == SIGKILL || sig == SIGSTOP) continue;
            if (LibC.sigaction(sig, out sigaction_t current) < 0) continue; // 32, 33: reserved by glibc
            if (current.sa_handler != LibC.SIG_DFL && current.sa_handler != LibC.SIG_IGN) handled.Add(sig);
        }
        return [.. handled];
    }
}
