// Fork-safety R3 and R4: the fork itself and everything the child runs.
// This file is the whole child path; check it line by line against docs/fork-safety.md.
//   - fork with every signal blocked (R3);
//   - in the child: reset the runtime's handlers, set SIGPIPE, close the parent's
//     descriptors, then restore the mask (R3);
//   - serve without allocating or throwing, and end with _exit() (R4).
// Everything here was JIT-compiled and every P/Invoke bound by PreJit before the first fork.
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using UnpServers.Interop;
using UnpServers.Unp;

namespace UnpServers.ForkSafety;

public static class ForkPath
{
    private static sigset_t s_allSignals;
    private static sigset_t s_childMask;
    private static int[] s_closeInChild = [];
    private static bool s_sigpipeDefault;

    /// <summary>Diagnostic (R4 test): each child logs the bytes it allocated, which must be 0.</summary>
    public static bool ReportAllocations { get; private set; }

    public const string ReportAllocationsVariable = "UNPSERVERS_CHILD_ALLOC_REPORT";

    /// <summary>
    /// Called once, before PreJit and the first fork.
    /// closeInChild: the listening socket and the signalfd, which the child must not hold.
    /// sigpipeDefault: false keeps SIGPIPE ignored, so a write to a reset peer fails with EPIPE (UNP 5.13).
    /// </summary>
    public static void Prepare(int[] closeInChild, bool sigpipeDefault)
    {
        LibC.sigfillset(out s_allSignals);
        LibC.sigemptyset(out s_childMask); // a child starts with nothing blocked, as after a shell's fork
        s_closeInChild = closeInChild;
        s_sigpipeDefault = sigpipeDefault;
        ReportAllocations = Environment.GetEnvironmentVariable(ReportAllocationsVariable) == "1";
    }

    /// <summary>
    /// Forks a child that serves connfd and exits. Returns the child's pid in the parent,
    /// or -1 with errno. Never returns in the child.
    /// </summary>
    public static int ForkAndServe(int connfd, ConnectionService service)
    {
        // R3: every signal blocked across fork(), so no handler runs in the child before reset.
        LibC.sigprocmask(LibC.SIG_SETMASK, s_allSignals, out sigset_t parentMask);
        int pid = LibC.fork();
        if (pid == 0) RunChild(connfd, service);
        int err = Errno.Last;
        LibC.sigprocmask(LibC.SIG_SETMASK, parentMask);
        Marshal.SetLastPInvokeError(err);
        return pid;
    }

    [DoesNotReturn]
    private static void RunChild(int connfd, ConnectionService service)
    {
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();

        // R3: the runtime's handlers write to a pipe only the parent's threads read; a
        // signal sent to this child would end up telling the parent. Back to SIG_DFL.
        ResetRuntimeHandlers();
        SetHandler(LibC.SIGPIPE, s_sigpipeDefault ? LibC.SIG_DFL : LibC.SIG_IGN);

        // R3: the child does not accept, and the parent's signals are not its business.
        for (int i = 0; i < s_closeInChild.Length; i++) LibC.close(s_closeInChild[i]);

        // R3: now that the handlers are the defaults, unblock: TERM, INT, KILL end this child only.
        LibC.sigprocmask(LibC.SIG_SETMASK, s_childMask);

        // R4: the service allocates nothing and throws nothing.
        int status = service.Serve(connfd);

        if (ReportAllocations)
            Log.Info(Log.Line().Add("child "u8).Add(LibC.getpid()).Add(" allocated "u8)
                               .Add(GC.GetAllocatedBytesForCurrentThread() - allocatedBefore).Add(" bytes"u8));

        // R4: never return into the runtime or run its shutdown: _exit() straight away.
        LibC._exit(status);
    }

    /// <summary>Sets SIG_DFL for every signal whose handler is neither SIG_DFL nor SIG_IGN.</summary>
    private static void ResetRuntimeHandlers()
    {
        for (int sig = 1; sig < LibC.NSIG; sig++)
        {
            if (sig == LibC.SIGKILL || sig == LibC.SIGSTOP) continue;
            if (LibC.sigaction(sig, out sigaction_t current) < 0) continue; // 32, 33: reserved by glibc
            if (current.sa_handler != LibC.SIG_DFL && current.sa_handler != LibC.SIG_IGN)
                SetHandler(sig, LibC.SIG_DFL);
        }
    }

    private static void SetHandler(int sig, nint handler)
    {
        sigaction_t act = default; // empty sa_mask, no flags
        act.sa_handler = handler;
        LibC.sigaction(sig, act);
    }
}
