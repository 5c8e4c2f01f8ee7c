// UNP 5.10 and 30.6-30.9: the fork, and what each kind of child runs after it (fork-safety
// R3, R4, R5; docs/fork-safety.md):
//   - fork with every signal blocked; in the child, reset the runtime's handlers, set SIGPIPE,
//     close every descriptor but stdio and what it keeps, then restore the mask the server
//     was started with (R3);
//   - then serve one connection and _exit() (tcpserv04), or execve() a fresh process on it
//     (R5), or loop for ever as a pre-forked child: lock, accept, unlock, serve (child02.c),
//     or read_fd, serve, tell the parent (child05.c).
// Nothing here allocates or throws after fork() (R4); the parent's Rehearsal runs each turn
// once before the first fork.
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using UnpServers.Interop;
using UnpServers.Unp;

namespace UnpServers.Child;

public static class ChildMain
{
    private static sigset_t s_allSignals;
    private static sigset_t s_childMask;
    private static int[] s_runtimeHandlers = [];
    private static bool s_sigpipeDefault;

    /// <summary>Diagnostic (the R4 tests): each child logs the bytes it allocated, which must be 0.</summary>
    public static bool ReportAllocations { get; private set; }

    public const string ReportAllocationsVariable = "UNPSERVERS_CHILD_ALLOC_REPORT";

    /// <summary>Exit status of a child whose execve() failed, as a shell reports it.</summary>
    public const int ExecFailed = 127;

    /// <summary>What a pre-forked child's turn returns to go on; anything else is its exit status.</summary>
    public const int GoOn = -1;

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
        ReportAllocations = Environment.GetEnvironmentVariable(ReportAllocationsVariable) == "1";
    }

    /// <summary>
    /// UNP 5.10: forks a child that serves connfd and exits. The child's pid in the parent, or
    /// -1 with errno; never returns in the child.
    /// </summary>
    public static int ForkAndServe(int connfd, ConnectionService service)
    {
        int pid = Fork();
        if (pid != 0) return pid;

        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        ChildPrologue(connfd, Log.FileFd, -1);
        int status = service.Serve(connfd, connfd);
        if (ReportAllocations) ReportAllocated(allocatedBefore);
        LibC._exit(status); // R4: never return into the runtime or run its shutdown
        return 0;
    }

    /// <summary>
    /// UNP 4.7, R5: forks a child that execs plan with connfd as its stdin and stdout (the inetd
    /// pattern). logfd (the --log file, or -1) becomes its stderr: the child inherits the open
    /// file rather than open a path it may no longer be allowed to (--user). The child's pid
    /// in the parent, or -1 with errno.
    /// </summary>
    public static int ForkAndExec(int connfd, ExecPlan plan, int logfd)
    {
        int pid = Fork();
        if (pid != 0) return pid;

        ChildPrologue(connfd, logfd, -1);
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
    /// UNP 30.6-30.8 child_make: a child that runs child02.c's loop (AcceptAndServe) on the
    /// listener it keeps, counting its connections in meter[slot], until it is killed. The
    /// child's pid in the parent, or -1 with errno.
    /// </summary>
    public static int ForkAndAccept(int listenfd, PreforkLoop loop, ConnectionService service, int slot)
        => ForkWorker(listenfd, passing: false, loop, service, slot);

    /// <summary>
    /// UNP 30.9 child_make: a child that runs child05.c's loop (ReceiveAndServe) on its end of
    /// a Unix-domain socketpair, until the parent closes it or kills the child. The child's pid
    /// in the parent, or -1 with errno.
    /// </summary>
    public static int ForkAndReceive(int channel, PreforkLoop loop, ConnectionService service, int slot)
        => ForkWorker(channel, passing: true, loop, service, slot);

    /// <summary>child_main: one turn after another, until a turn returns the child's exit status.</summary>
    private static int ForkWorker(int fd, bool passing, PreforkLoop loop, ConnectionService service, int slot)
    {
        int parent = LibC.getpid();
        int pid = Fork();
        if (pid != 0) return pid;

        // With --log, its lines go to the file through the parent (Log.cs says why): the log's
        // descriptor becomes the relay's pipe first, so that it is the one the prologue keeps.
        Log.UseRelay();
        ChildPrologue(fd, Log.FileFd, loop.Lock.Fd); // the listener or the channel, the log, the lock
        DieWithParent(parent);
        for (;;)
        {
            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            int status = passing ? ReceiveAndServe(fd, loop, service, slot) : AcceptAndServe(fd, loop, service, slot);
            if (ReportAllocations) ReportAllocated(allocatedBefore);
            if (status != GoOn) LibC._exit(status); // the parent forks another in its place
        }
    }

    /// <summary>
    /// One turn of child02.c's loop: my_lock_wait, accept, my_lock_release, count, serve,
    /// close. GoOn, or the exit status of a child whose lock or accept failed (logged).
    /// </summary>
    public static int AcceptAndServe(int listenfd, PreforkLoop loop, ConnectionService service, int slot)
    {
        int err = loop.Lock.Wait();
        if (err != 0) return Failed("my_lock_wait error: "u8, err);
        sockaddr_storage cliaddr = default;
        int connfd, acceptErr = 0;
        for (;;)
        {
            uint clilen = 128;
            connfd = LibC.accept4(listenfd, ref cliaddr, ref clilen, LibC.SOCK_CLOEXEC);
            if (connfd >= 0) break;
            acceptErr = Errno.Last;
            if (acceptErr != LibC.EINTR && !Accept.Retryable(acceptErr)) break;
            Accept.LogRetry(acceptErr); // UNP 5.9, 5.11: that connection failed, not the server
        }
        if ((err = loop.Lock.Release()) != 0) return Failed("my_lock_release error: "u8, err);
        if (connfd < 0)
        {
            err = acceptErr;
            if (!Accept.OutOfResources(err)) return Failed("accept error: "u8, err);
            // Out of descriptors: let a sibling try, and try again in a while.
            Log.Error(Log.Line().Add("accept error: "u8).AddErrno(err));
            LibC.poll(default, 0, 100);
            return GoOn;
        }
        loop.Meter.Increment(slot);
        Accept.LogPeer(ref cliaddr);
        if (loop.KeepaliveSeconds > 0 && Keepalive.Set(connfd, loop.KeepaliveSeconds, out int option) != 0)
            Log.Error(Log.Line().Add("setsockopt "u8).Add(Keepalive.OptionName(option)).Add(" error: "u8).AddErrno(Errno.Last)); // UNP 7.5: served without it
        service.Serve(connfd, connfd);
        LibC.close(connfd);
        return GoOn;
    }

    /// <summary>
    /// One turn of child05.c's loop: read_fd, count, serve, close, then write one byte back to
    /// say it is idle again. GoOn; 0 at EOF on the channel (the parent is stopping, or gone);
    /// or 1 after a read_fd error (logged).
    /// </summary>
    public static int ReceiveAndServe(int channel, PreforkLoop loop, ConnectionService service, int slot)
    {
        Span<byte> c = stackalloc byte[1];
        nint n = FdPassing.ReadFd(channel, c, out int connfd);
        if (n == 0) return 0;
        if (n < 0) return Failed("read_fd error: "u8, Errno.Last);
        if (connfd < 0) return Failed("read_fd error: "u8, LibC.EBADF); // a byte without a descriptor: not our parent's protocol
        loop.Meter.Increment(slot);
        service.Serve(connfd, connfd);
        LibC.close(connfd);
        // UNP 30.9: "tell parent we're ready again".
        while (LibC.write(channel, c) < 0 && Errno.Last == LibC.EINTR) { }
        return GoOn;
    }

    /// <summary>"child PID: what strerror (ENAME)", and the exit status 1.</summary>
    private static int Failed(ReadOnlySpan<byte> what, int err)
    {
        Log.Error(Log.Line().Add("child "u8).Add(LibC.getpid()).Add(": "u8).Add(what).AddErrno(err));
        return 1;
    }

    /// <summary>
    /// A pre-forked child lives only as long as its parent: a parent killed by SIGKILL would
    /// otherwise leave N orphans accepting on its port for ever, and a replacement forked
    /// while the parent was being killed would be one. If the parent has already gone
    /// (getppid() changed before prctl took effect), leave at once.
    /// </summary>
    private static void DieWithParent(int parent)
    {
        LibC.prctl(LibC.PR_SET_PDEATHSIG, (nuint)LibC.SIGTERM, 0, 0, 0);
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

    /// <summary>
    /// R3: make the child an ordinary process of its own before it does anything. It keeps
    /// stdin, stdout, stderr and the three descriptors given (-1: none); every other one, the
    /// parent's listener, signalfd, pidfds and channels, is closed, in a few close_range calls.
    /// </summary>
    private static void ChildPrologue(int keep1, int keep2, int keep3)
    {
        // The runtime's handlers talk to threads the child does not have: back to SIG_DFL.
        for (int i = 0; i < s_runtimeHandlers.Length; i++) Signals.Signal(s_runtimeHandlers[i], LibC.SIG_DFL);
        Signals.Signal(LibC.SIGPIPE, s_sigpipeDefault ? LibC.SIG_DFL : LibC.SIG_IGN);

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
        LibC.sigprocmask(LibC.SIG_SETMASK, s_childMask);
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
/// the sockets it accepts. Built in the parent, before the first fork.
/// </summary>
public sealed class PreforkLoop(AcceptLock @lock, Meter meter, int keepaliveSeconds)
{
    public AcceptLock Lock { get; } = @lock;
    public Meter Meter { get; } = meter;
    public int KeepaliveSeconds { get; } = keepaliveSeconds;
}
