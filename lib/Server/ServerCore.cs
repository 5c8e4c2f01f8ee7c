// What every server design shares, once: the start-up (tcp_listen, --log, --user, the
// signalfd), accept() with UNP's error cases (5.9, 5.11), the "connection from" line, the
// signals (TERM/INT stop, HUP reopens the log, USR1 stats) and stopping the children.
// Each design (lib/Server/Designs) runs its own loop on these parts.
using UnpServers.Child;
using System.Text;
using UnpServers.ForkSafety;
using UnpServers.Interop;
using UnpServers.Server.Designs;
using UnpServers.Unp;

namespace UnpServers.Server;

public sealed class ServerCore
{
    private const int MaxBackoffMs = 1600;
    private const int StopGraceMs = 5000;
    /// <summary>Interrupted or failed accepts in a row before Accept returns to the caller's poll().</summary>
    private const int RetryLimit = 16;

    private readonly ServerDesign _design;
    private long _acceptPausedUntil;
    private int _backoffMs;

    public ServerOptions Options { get; }
    public ConnectionService Service { get; }

    /// <summary>The forked children (fork and prefork designs); empty for the others.</summary>
    public ChildTable Children { get; }
    public ServerStats Stats { get; } = new();
    public Reaper Reaper { get; }

    /// <summary>The listening socket (non-blocking, close-on-exec); -1 once stopping.</summary>
    public int ListenFd { get; private set; } = -1;

    /// <summary>The handled signals as data (R2): a design polls Signals.Fd and calls HandleSignals.</summary>
    public SignalQueue Signals { get; private set; } = null!;

    /// <summary>--exec: the argv and environment of the exec'd program, built before --user (R4).</summary>
    public ExecPlan? ExecPlan { get; private set; }

    private ServerCore(ServerOptions options, ConnectionService service, ServerDesign design)
    {
        Options = options;
        Service = service;
        _design = design;
        Children = new ChildTable(options.MaxChildren + 16);
        Reaper = new Reaper(options.Reap, Children, Stats);
    }

    /// <summary>Runs the server in its design until SIGTERM or SIGINT; returns the exit status.</summary>
    public static int Run(ServerOptions options, ConnectionService service)
    {
        if (options.Check() is string reason) // the programs refuse these as usage errors; this is for any other caller
        {
            Log.Error(reason);
            return LibC.EX_USAGE;
        }
        try
        {
            // R1, in every mode (the program's Main did it already with RuntimeGuard.Start):
            // the iterative server forks nothing, but without the mask a runtime thread would
            // take SIGUSR1 or SIGHUP with the default action and die of it.
            RuntimeGuard.EnsureForkSafeRuntime();
            ServerDesign design = ServerDesign.For(options.Model);
            var core = new ServerCore(options, service, design);
            core.Start();
            return design.Serve(core);
        }
        catch (UnpException e)
        {
            string? hint = (e.Call, e.Errno) switch
            {
                ("bind", var err) when err == LibC.EACCES => Privileges.PrivilegedPortHint(options.Port),
                ("bind", var err) when err == LibC.EADDRINUSE => TcpListen.PortInUseHint(options.Port),
                ("initgroups", var err) when err == LibC.EPERM => Privileges.UserNeedsRootHint(options.User!),
                _ => null,
            };
            Log.Error(hint == null ? e.Message : $"{e.Message}: {hint}");
            return 1;
        }
    }

    /// <summary>UNP's start-up: listen, open the log, drop privileges, then the design's own preparation; "listening on" says it is ready.</summary>
    private void Start()
    {
        ListenFd = TcpListen.Open(Options.Bind, Options.Port, Options.Backlog, out sockaddr_storage bound);
        if (Options.LogFile != null) Log.OpenFile(Options.LogFile);
        if (Options.Exec)
        {
            // Built once, in the parent (R4), and before --user: a process that dropped its
            // privileges can no longer read its own /proc/self/environ.
            var argv = new List<byte[]> { Exec.OwnArguments()[0] };
            argv.AddRange(Options.ExecArguments.Select(Encoding.UTF8.GetBytes));
            ExecPlan = Exec.ThisProgram(argv, Exec.OwnEnvironment());
        }
        if (Options.User != null)
        {
            Privileges.DropTo(Options.User); // bound, so root is no longer needed
            // --exec runs this program again as that user: said now, once, rather than as an
            // execve() error at every connection (a directory on the path closed to the user).
            if (ExecPlan != null && LibC.access(Encoding.UTF8.GetBytes(Exec.ProgramPath + "\0"), LibC.X_OK) < 0)
            {
                int err = Errno.Last;
                throw new UnpException("access", err, $"--exec: user {Encoding.UTF8.GetString(Options.User)} cannot run {Exec.ProgramPath}: {ErrorText.Describe(err)}");
            }
        }
        else if (Privileges.RootWarning(Options.User) is string warning) Log.Error(warning);
        Signals = SignalQueue.Open();
        Reaper.Install();
        Service.IdleTimeoutMs = Options.IdleTimeoutSeconds * 1000;
        _design.Prepare(this);

        Log.Info($"listening on {Sockets.HostText(ref bound)}, port {Addresses.Port(ref bound)}, pid {LibC.getpid()}");
    }

    /// <summary>
    /// Whether to poll the listener. At --max-children (active: the design's count), or
    /// backing off after EMFILE, the server stops accepting; connections wait in the backlog
    /// and none is refused. timeoutMs: how long the back-off still lasts, or -1.
    /// </summary>
    public bool AcceptingNow(int active, out int timeoutMs)
    {
        timeoutMs = -1;
        if (active >= Options.MaxChildren) return false;
        long wait = _acceptPausedUntil - Environment.TickCount64;
        if (wait <= 0) return true;
        timeoutMs = (int)wait;
        return false;
    }

    /// <summary>
    /// poll(2) for a design's loop: the number of ready descriptors, 0 on a time-out or an
    /// interruption (UNP 5.9: just poll again); any other error ends the server.
    /// </summary>
    public int Poll(Span<pollfd> fds, int timeoutMs)
    {
        int ready = LibC.poll(fds, fds.Length, timeoutMs);
        if (ready >= 0) return ready;
        int err = Errno.Last;
        if (err == LibC.EINTR) return 0;
        throw new UnpException("poll", err);
    }

    /// <summary>Takes every pending signal; true when the server must stop.</summary>
    public bool HandleSignals()
    {
        bool stop = false, stats = false, reaped = false;
        while (Signals.TryRead(out signalfd_siginfo info))
        {
            int sig = (int)info.ssi_signo;
            if (sig == LibC.SIGCHLD)
            {
                Reaper.OnSigchld(info);
                reaped = true;
            }
            else if (sig == LibC.SIGTERM || sig == LibC.SIGINT)
            {
                Log.Info(Log.Line().Add("received "u8).Add(Unp.Signals.Text(sig)).Add(", stopping"u8));
                stop = true;
            }
            else if (sig == LibC.SIGHUP && Options.LogFile is { } logFile)
            {
                if (Log.Reopen(logFile)) Log.Info("received SIGHUP; log reopened");
            }
            else if (sig == LibC.SIGHUP)
            {
                // No log to reopen: a hangup means what it means to the C server, whose
                // default action ends it, so `echosrv &` goes with its terminal.
                Log.Info("received SIGHUP, no --log file to reopen: stopping");
                stop = true;
            }
            else if (sig == LibC.SIGUSR1)
            {
                // Reported after the loop: signalfd hands out the lowest signal number
                // first, so a SIGCHLD already pending is read after SIGUSR1.
                stats = true;
            }
        }
        if (stats) Reaper.Poll(); // --reap ignore: children the kernel released since their SIGCHLD
        // Not when stopping: a ^C reaches the children too, and their replacements would only be stopped.
        if ((reaped || stats) && !stop) _design.ChildrenChanged(this);
        if (stats) _design.LogStats(this);
        return stop;
    }

    /// <summary>
    /// One connection from the listener: the connected socket (close-on-exec), counted,
    /// with --keepalive set and its "connection from" line logged. -1 when there is none to
    /// take now (the queue is empty, or out of descriptors: accepting pauses), with fatal 0;
    /// -1 with fatal set to the errno of an error that ends the server (FatalAcceptError).
    /// </summary>
    public int Accept(out int fatal)
    {
        fatal = 0;
        sockaddr_storage cliaddr = default;
        for (int tries = 0; tries < RetryLimit; tries++)
        {
            uint clilen = 128;
            int connfd = LibC.accept4(ListenFd, ref cliaddr, ref clilen, LibC.SOCK_CLOEXEC);
            if (connfd >= 0)
            {
                _backoffMs = 0;
                Stats.Accepted++;
                if (Options.KeepaliveSeconds > 0) SetKeepalive(connfd); // set here: a child (or exec'd program) inherits the socket
                // Here in every design, --exec too: accept() told us the peer, while an exec'd
                // child's getpeername() fails once the client has reset (it is told --peer-logged).
                LogConnectionFrom(ref cliaddr);
                if (Service.UsesLocalTime) Clock.ReadZone(); // for the daytime reply: a child may not ask libc (Clock.cs)
                return connfd;
            }
            int err = Errno.Last;
            if (err == LibC.EAGAIN) return -1; // the queue is empty
            if (err == LibC.EINTR || Unp.Accept.Retryable(err))
            {
                // UNP 5.9: restart the interrupted accept; 5.11: that connection failed, not
                // the server. Say so, and go on.
                Unp.Accept.LogRetry(err);
                continue;
            }
            if (Unp.Accept.OutOfResources(err))
            {
                Log.Error(Log.Line().Add("accept error: "u8).AddErrno(err));
                PauseAccepting();
                return -1;
            }
            fatal = err;
            return -1;
        }
        return -1; // failing connections one after another: back to poll(), where signals are seen
    }

    /// <summary>"connection from HOST, port N": the line every design logs per accepted client.</summary>
    public static void LogConnectionFrom(ref sockaddr_storage cliaddr) => Unp.Accept.LogPeer(ref cliaddr);

    /// <summary>
    /// err_sys on accept: the error, then the same ending as SIGTERM's (children stopped and
    /// reaped), and exit 1 rather than 0.
    /// </summary>
    public int FatalAcceptError(int err)
    {
        Log.Error(Log.Line().Add("accept error: "u8).AddErrno(err));
        Stop();
        return 1;
    }

    /// <summary>UNP 7.5: a failed option is reported; the connection is served without it.</summary>
    private void SetKeepalive(int connfd)
    {
        if (Keepalive.Set(connfd, Options.KeepaliveSeconds, out int option) == 0) return;
        int err = Errno.Last;
        Log.Error(Log.Line().Add("setsockopt "u8).Add(Keepalive.OptionName(option)).Add(" error: "u8).AddErrno(err));
    }

    /// <summary>Out of descriptors or processes: stop polling the listener for a while instead of spinning.</summary>
    public void PauseAccepting()
    {
        _backoffMs = _backoffMs == 0 ? 100 : Math.Min(_backoffMs * 2, MaxBackoffMs);
        _acceptPausedUntil = Environment.TickCount64 + _backoffMs;
    }

    /// <summary>
    /// Holds a new child by a pidfd as well as its pid (opened after close(connfd), so a
    /// descriptor is free for it). pidfd_open sets close-on-exec itself: an exec'd child
    /// does not inherit it; a forked one closes it (ChildMain).
    /// </summary>
    public void TrackChild(int pid)
    {
        int pidfd = LibC.pidfd_open(pid, 0);
        if (pidfd < 0)
        {
            int err = Errno.Last;
            // --reap ignore: the child may have exited and been reaped already.
            if (err == LibC.ESRCH)
            {
                Stats.Reaped++;
                return;
            }
            Log.Error(Log.Line().Add("pidfd_open error: "u8).AddErrno(err));
        }
        else if (Options.Reap == ReapMode.Ignore && Reaper.HasVanished(pid, -1))
        {
            // Reaped by the kernel before pidfd_open: that pid is no longer our child's.
            LibC.close(pidfd);
            Stats.Reaped++;
            return;
        }
        Children.Add(pid, pidfd);
        Stats.PeakActive = Math.Max(Stats.PeakActive, Children.Running);
    }

    /// <summary>
    /// SIGTERM/SIGINT: close the listener at once, so new clients are refused; then the
    /// design ends its connections (StopChildren for the forking ones). Returns 0, the exit status.
    /// </summary>
    public int Stop()
    {
        LibC.close(ListenFd);
        ListenFd = -1;
        _design.StopConnections(this);
        return 0;
    }

    /// <summary>
    /// End the children with SIGTERM (SIGKILL after a grace period), reap them all, and log
    /// "stopped" (saying how many did not exit).
    /// </summary>
    public void StopChildren()
    {
        SignalChildren(LibC.SIGTERM);
        long deadline = Environment.TickCount64 + StopGraceMs;
        bool killed = false;
        Span<pollfd> fds = stackalloc pollfd[1];
        for (;;)
        {
            Reaper.ReapAll(); // --reap none and wait left zombies: a stopping server collects them all
            if (Children.Count == 0) break;
            if (Environment.TickCount64 > deadline)
            {
                if (killed) break;
                SignalChildren(LibC.SIGKILL);
                killed = true;
                deadline = Environment.TickCount64 + 2000;
            }
            fds[0].fd = Signals.Fd;
            fds[0].events = LibC.POLLIN;
            LibC.poll(fds, 1, 50);
            while (Signals.TryRead(out _)) { }
        }
        Log.Info(Children.Count == 0
            ? "stopped"
            : $"stopped; {Children.Count} children did not exit");
    }

    /// <summary>
    /// Signals every running child through its pidfd, which cannot name a process that
    /// reused the pid. Without a pidfd, only a child the kernel does not reap by itself
    /// (not --reap ignore) keeps its pid until we wait for it, so kill() is safe there.
    /// </summary>
    public void SignalChildren(int sig)
    {
        for (int i = 0; i < Children.Count; i++)
        {
            if (Children.HasExited(i)) continue;
            if (Children.Pidfd(i) >= 0) LibC.pidfd_send_signal(Children.Pidfd(i), sig);
            else if (Options.Reap != ReapMode.Ignore) LibC.kill(Children.Pid(i), sig);
        }
    }

    /// <summary>
    /// The SIGUSR1 line; active is the design's count (children, threads or clients). With
    /// --reap ignore the parent reaps nothing: it sees its children go (their pidfds), and the
    /// kernel reaps them, so the line says "reaped by the kernel".
    /// </summary>
    public void LogStats(int active)
        => Log.Info(Log.Line().Add("stats: accepted "u8).Add(Stats.Accepted)
                              .Add(", active "u8).Add(active)
                              .Add(Options.Reap == ReapMode.Ignore ? ", reaped by the kernel "u8 : ", reaped "u8).Add(Stats.Reaped)
                              .Add(", peak active "u8).Add(Stats.PeakActive)
                              .Add(", fork failures "u8).Add(Stats.ForkFailures)
                              .Add(", log lines lost "u8).Add(Log.LostLines));
}
