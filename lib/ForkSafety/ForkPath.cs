// Fork-safety R3, R4 and R5: the fork itself and everything the child runs.
// This file is the whole child path; check it line by line against the fork-safety rules (README).
//   - fork with every signal blocked (R3);
//   - in the child: reset the runtime's handlers, set SIGPIPE, close the parent's
//     descriptors, then restore the mask (R3);
//   - then either serve without allocating or throwing and end with _exit() (R4),
//     or execve() a fresh process with the connection on fd 0 and 1 (R5);
//   - or, pre-forked (UNP 30.6-30.9), loop for ever under the same R4 rules: lock, accept,
//     unlock, serve, close (ForkAndAccept), or receive a descriptor from the parent, serve,
//     close, tell the parent (ForkAndReceive). Each turn is one method PreJit rehearses.
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
    private static int[] s_runtimeHandlers = [];
    private static bool s_sigpipeDefault;

    /// <summary>Diagnostic (R4 test): each child logs the bytes it allocated, which must be 0.</summary>
    public static bool ReportAllocations { get; private set; }

    public const string ReportAllocationsVariable = "UNPSERVERS_CHILD_ALLOC_REPORT";

    /// <summary>Exit status of a child whose execve() failed, as a shell reports it.</summary>
    public const int ExecFailed = 127;

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
        s_runtimeHandlers = RuntimeHandlers();
        s_sigpipeDefault = sigpipeDefault;
        ReportAllocations = Environment.GetEnvironmentVariable(ReportAllocationsVariable) == "1";
    }

    /// <summary>
    /// Forks a child that serves connfd in this program and exits (R4). Returns the
    /// child's pid in the parent, or -1 with errno. Never returns in the child.
    /// alsoClose: the parent's descriptors for its other children (pidfds), closed in the child.
    /// </summary>
    public static int ForkAndServe(int connfd, ConnectionService service, ReadOnlySpan<int> alsoClose)
    {
        int pid = Fork();
        if (pid != 0) return pid;

        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        ChildPrologue(alsoClose);
        // R4: the service allocates nothing and throws nothing.
        int status = service.Serve(connfd, connfd);
        if (ReportAllocations) ReportAllocated(allocatedBefore);
        // R4: never return into the runtime or run its shutdown: _exit() straight away.
        LibC._exit(status);
        return 0;
    }

    /// <summary>
    /// Forks a child that execs plan with connfd as its stdin and stdout (R5, the inetd
    /// pattern of UNP 13.5). logfd (the --log file, or -1) becomes its stderr, where an
    /// --inetd process logs: the child inherits the open file instead of opening the path,
    /// which it may no longer be allowed to (--user). Returns the child's pid in the parent,
    /// or -1 with errno.
    /// </summary>
    public static int ForkAndExec(int connfd, ExecPlan plan, int logfd)
    {
        int pid = Fork();
        if (pid != 0) return pid;

        ChildPrologue(default); // the parent's pidfds are close-on-exec
        // Started with stdio closed, either descriptor may itself be 0, 1 or 2: move it above 2
        // first (close-on-exec: a copy left over goes away), so that no dup2 below overwrites
        // the other before it is copied.
        if (connfd <= 2) connfd = LibC.fcntl(connfd, LibC.F_DUPFD_CLOEXEC, 3);
        if (logfd is 0 or 1) logfd = LibC.fcntl(logfd, LibC.F_DUPFD_CLOEXEC, 3);
        LibC.dup2(connfd, 0); // dup2 leaves FD_CLOEXEC off on 0, 1 and 2: they survive execve
        LibC.dup2(connfd, 1);
        if (logfd > 2) LibC.dup2(logfd, 2);
        LibC.close(connfd);
        LibC.execve(plan);
        Log.Error(Log.Line().Add("execve error: "u8).AddErrno(Errno.Last));
        LibC._exit(ExecFailed);
        return 0;
    }

    /// <summary>
    /// UNP 30.6-30.8 child_main: forks a child that loops on AcceptAndServe, counting its
    /// connections in meter[slot], until it is killed. The listener stays open in this child
    /// (Prepare was not given it). Returns the child's pid in the parent, or -1 with errno.
    /// </summary>
    public static int ForkAndAccept(int listenfd, PreforkLoop loop, ConnectionService service, int slot, ReadOnlySpan<int> alsoClose)
    {
        int parent = LibC.getpid();
        int pid = Fork();
        if (pid != 0) return pid;

        ChildPrologue(alsoClose);
        DieWithParent(parent);
        for (;;)
        {
            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            int err = AcceptAndServe(listenfd, loop, service, slot);
            if (ReportAllocations) ReportAllocated(allocatedBefore);
            if (err == 0) continue;
            Log.Error(Log.Line().Add("child "u8).Add(LibC.getpid()).Add(": accept error: "u8).AddErrno(err));
            LibC._exit(1); // the parent forks another in its place
        }
    }

    /// <summary>
    /// One turn of a pre-forked child (UNP 30.6 child_main's loop body): my_lock_wait,
    /// accept, my_lock_release, count, serve, close. 0, or the errno that ends the child.
    /// </summary>
    public static int AcceptAndServe(int listenfd, PreforkLoop loop, ConnectionService service, int slot)
    {
        int err = loop.Lock.Wait();
        if (err != 0) return err;
        sockaddr_storage cliaddr = default;
        int connfd;
        for (;;)
        {
            uint clilen = 128;
            connfd = LibC.accept4(listenfd, ref cliaddr, ref clilen, LibC.SOCK_CLOEXEC);
            if (connfd >= 0) break;
            err = Errno.Last;
            if (err != LibC.EINTR && !Accept.Retryable(err)) break;
            Accept.LogRetry(err); // UNP 5.9, 5.11: said, and retried
        }
        loop.Lock.Release();
        if (connfd < 0)
        {
            if (!Accept.OutOfResources(err)) return err;
            // Out of descriptors: let a sibling try, and try again in a while.
            Log.Error(Log.Line().Add("accept error: "u8).AddErrno(err));
            LibC.poll(default, 0, 100);
            return 0;
        }
        loop.Meter.Increment(slot);
        Accept.LogPeer(ref cliaddr);
        if (loop.KeepaliveSeconds > 0 && Keepalive.Set(connfd, loop.KeepaliveSeconds, out int option) != 0)
            Log.Error(Log.Line().Add("setsockopt "u8).Add(Keepalive.OptionName(option)).Add(" error: "u8).AddErrno(Errno.Last)); // UNP 7.5: served without it
        service.Serve(connfd, connfd);
        LibC.close(connfd);
        return 0;
    }

    /// <summary>
    /// UNP 30.9 child_main: forks a child that loops on ReceiveAndServe over its end of a
    /// Unix-domain socketpair, until the parent closes it or kills the child. Returns the
    /// child's pid in the parent, or -1 with errno.
    /// </summary>
    public static int ForkAndReceive(int channel, PreforkLoop loop, ConnectionService service, int slot, ReadOnlySpan<int> alsoClose)
    {
        int parent = LibC.getpid();
        int pid = Fork();
        if (pid != 0) return pid;

        ChildPrologue(alsoClose);
        DieWithParent(parent);
        for (;;)
        {
            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            int err = ReceiveAndServe(channel, loop, service, slot);
            if (ReportAllocations) ReportAllocated(allocatedBefore);
            if (err == 0) continue;
            if (err < 0) LibC._exit(0); // EOF: the parent is stopping, or gone
            Log.Error(Log.Line().Add("child "u8).Add(LibC.getpid()).Add(": read_fd error: "u8).AddErrno(err));
            LibC._exit(1);
        }
    }

    /// <summary>
    /// One turn of a prefork-pass child: read_fd, count, serve, close, then write one byte
    /// back to say it is idle again. 0; -1 at EOF on the channel; or an errno.
    /// </summary>
    public static int ReceiveAndServe(int channel, PreforkLoop loop, ConnectionService service, int slot)
    {
        Span<byte> c = stackalloc byte[1];
        nint n = FdPassing.ReadFd(channel, c, out int connfd);
        if (n == 0) return -1;
        if (n < 0) return Errno.Last;
        if (connfd < 0) return LibC.EBADF; // a byte without a descriptor: not our parent's protocol
        loop.Meter.Increment(slot);
        service.Serve(connfd, connfd);
        LibC.close(connfd);
        // UNP 30.9: "tell parent we're ready again".
        while (LibC.write(channel, c) < 0 && Errno.Last == LibC.EINTR) { }
        return 0;
    }

    /// <summary>
    /// A pre-forked child lives only as long as its parent: a parent killed by SIGKILL would
    /// otherwise leave N orphans accepting on its port for ever, and a replacement forked
    /// while the parent was being killed would be one. If the parent has already gone
    /// (getppid() changed before prctl took effect), leave at once.
    /// </summary>
    private static void DieWithParent(int parent)
    {
        LibC.prctl(LibC.PR_SET_PDEATHSIG, LibC.SIGTERM, 0, 0, 0);
        if (LibC.getppid() != parent) LibC._exit(0);
    }

    private static void ReportAllocated(long allocatedBefore)
        => Log.Info(Log.Line().Add("child "u8).Add(LibC.getpid()).Add(" allocated "u8)
                              .Add(GC.GetAllocatedBytesForCurrentThread() - allocatedBefore).Add(" bytes"u8));

    /// <summary>R3: fork() with every signal blocked, so that no handler runs in the child before the reset.</summary>
    private static int Fork()
    {
        LibC.sigprocmask(LibC.SIG_SETMASK, s_allSignals, out sigset_t parentMask);
        int pid = LibC.fork();
        if (pid == 0) return 0; // the child unblocks in ChildPrologue, after the reset
        int err = Errno.Last;
        LibC.sigprocmask(LibC.SIG_SETMASK, parentMask);
        Marshal.SetLastPInvokeError(err);
        return pid;
    }

    /// <summary>R3: make the child an ordinary process of its own before it does anything.</summary>
    private static void ChildPrologue(ReadOnlySpan<int> alsoClose)
    {
        // The runtime's handlers write to a pipe only the parent's threads read: a signal
        // sent to this child would end up telling the parent. Back to SIG_DFL.
        for (int i = 0; i < s_runtimeHandlers.Length; i++) Signals.Signal(s_runtimeHandlers[i], LibC.SIG_DFL);
        Signals.Signal(LibC.SIGPIPE, s_sigpipeDefault ? LibC.SIG_DFL : LibC.SIG_IGN);

        // The child does not accept, and the parent's signals are not its business.
        for (int i = 0; i < s_closeInChild.Length; i++) LibC.close(s_closeInChild[i]);
        for (int i = 0; i < alsoClose.Length; i++) if (alsoClose[i] >= 0) LibC.close(alsoClose[i]);

        // Now that the handlers are the defaults, unblock: TERM, INT, KILL end this child only.
        LibC.sigprocmask(LibC.SIG_SETMASK, s_childMask);
    }

    /// <summary>
    /// The signals that have a handler (neither SIG_DFL nor SIG_IGN): the runtime's. Read in
    /// the parent once, so the child only resets them instead of asking about all 64.
    /// </summary>
    private static int[] RuntimeHandlers()
    {
        var handled = new List<int>();
        for (int sig = 1; sig < LibC.NSIG; sig++)
        {
            if (sig == LibC.SIGKILL || sig == LibC.SIGSTOP) continue;
            if (LibC.sigaction(sig, out sigaction_t current) < 0) continue; // 32, 33: reserved by glibc
            if (current.sa_handler != LibC.SIG_DFL && current.sa_handler != LibC.SIG_IGN) handled.Add(sig);
        }
        return [.. handled];
    }
}

/// <summary>
/// What a pre-forked child runs besides its service (UNP 30.6-30.9): the lock around accept(),
/// the shared meter it counts its connections in, and --keepalive, which it sets itself on
/// the sockets it accepts. Built in the parent; PreJit compiles and rehearses it.
/// </summary>
public sealed record PreforkLoop(AcceptLock Lock, Meter Meter, int KeepaliveSeconds);
