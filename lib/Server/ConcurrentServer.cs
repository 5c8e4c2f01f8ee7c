// UNP's concurrent server (tcpserv04, UNP 5.10), with its main loop turned inside out
// for .NET: one poll() over the listening socket and a signalfd, so accept(), SIGCHLD
// and the stop signals are all handled on the one managed thread (fork-safety R2).
//
//   for ( ; ; ) {
//       poll(listenfd, signalfd)
//       signals:  SIGCHLD -> reap;  TERM/INT -> stop;  HUP -> reopen log;  USR1 -> stats
//       listenfd: connfd = accept(); if ((childpid = Fork()) == 0) { str_echo(connfd); _exit(0); }
//                 close(connfd);
//   }
using System.Text;
using UnpServers.ForkSafety;
using UnpServers.Interop;
using UnpServers.Unp;

namespace UnpServers.Server;

public sealed class ConcurrentServer
{
    private const int MaxBackoffMs = 1600;
    private const int StopGraceMs = 5000;
    /// <summary>Accepts per wake-up, so SIGCHLD is read (and zombies reaped) between bursts.</summary>
    private const int AcceptBurst = 16;

    private readonly ServerOptions _options;
    private readonly ConnectionService _service;
    private readonly ChildTable _children;
    private readonly ServerStats _stats = new();
    private readonly Reaper _reaper;
    private int _listenfd = -1;
    private SignalQueue? _signals;
    private ExecPlan? _execPlan;
    private long _acceptPausedUntil;
    private int _backoffMs;

    private ConcurrentServer(ServerOptions options, ConnectionService service)
    {
        _options = options;
        _service = service;
        _children = new ChildTable(options.MaxChildren + 16);
        _reaper = new Reaper(options.Reap, _children, _stats);
    }

    /// <summary>Runs the server until SIGTERM or SIGINT; returns the exit status.</summary>
    public static int Run(ServerOptions options, ConnectionService service)
    {
        try
        {
            // R1, in every mode (the program's Main did it already with RuntimeGuard.Start):
            // the iterative server forks nothing, but without the mask a runtime thread would
            // take SIGUSR1 or SIGHUP with the default action and die of it.
            RuntimeGuard.EnsureForkSafeRuntime();
            return new ConcurrentServer(options, service).Serve();
        }
        catch (UnpException e)
        {
            string? hint = e.Call == "bind" && e.Errno == LibC.EACCES ? Privileges.PrivilegedPortHint(options.Port) : null;
            Log.Error(hint == null ? e.Message : $"{e.Message}: {hint}");
            return 1;
        }
    }

    private int Serve()
    {
        _listenfd = TcpListen.Open(_options.Bind, _options.Port, _options.Backlog, out sockaddr_storage bound);
        if (_options.LogFile != null) Log.OpenFile(_options.LogFile);
        if (_options.Concurrency == Concurrency.Exec)
        {
            // Built once, in the parent (R4), and before --user: a process that dropped its
            // privileges can no longer read its own /proc/self/environ.
            var argv = new List<byte[]> { Exec.OwnArguments()[0] };
            argv.AddRange(_options.ExecArguments.Select(Encoding.UTF8.GetBytes));
            _execPlan = Exec.ThisProgram(argv, Exec.OwnEnvironment());
        }
        if (_options.User != null) Privileges.DropTo(_options.User); // bound, so root is no longer needed
        else if (Privileges.RootWarning(_options.User) is string warning) Log.Error(warning);
        _signals = SignalQueue.Open();
        _reaper.Install();
        _service.IdleTimeoutMs = _options.IdleTimeoutSeconds * 1000;
        if (_options.Concurrency != Concurrency.Iterative)
        {
            ForkPath.Prepare([_listenfd, _signals.Fd], sigpipeDefault: false); // UNP 5.13: SIGPIPE stays ignored
            PreJit.ChildPath(_service);
        }

        Log.Info($"listening on {Addresses.SockNtopHost(ref bound)}, port {Addresses.Port(ref bound)}, pid {LibC.getpid()}");

        Span<pollfd> fds = stackalloc pollfd[2];
        for (;;)
        {
            fds[0].fd = _signals.Fd;
            fds[0].events = LibC.POLLIN;
            fds[0].revents = 0;
            bool accepting = AcceptingNow(out int timeoutMs);
            if (_reaper.PollIntervalMs > 0 && (timeoutMs < 0 || timeoutMs > _reaper.PollIntervalMs)) timeoutMs = _reaper.PollIntervalMs;
            fds[1].fd = accepting ? _listenfd : -1; // poll() skips a negative descriptor
            fds[1].events = LibC.POLLIN;
            fds[1].revents = 0;

            int ready = LibC.poll(fds, 2, timeoutMs);
            if (ready < 0)
            {
                int err = Errno.Last;
                if (err == LibC.EINTR) continue;
                throw new UnpException("poll", err);
            }
            if (ready == 0) _reaper.Poll(); // quiet for a while: a chance to notice late releases (--reap ignore)
            if (fds[0].revents != 0 && HandleSignals()) return Stop();
            if (fds[1].revents != 0 && AcceptSome() is int fatal and not 0)
            {
                // err_sys: the error, then the same ending as SIGTERM's (children stopped and
                // reaped), and exit 1 rather than 0.
                Log.Error(Log.Line().Add("accept error: "u8).AddErrno(fatal));
                Stop();
                return 1;
            }
        }
    }

    /// <summary>
    /// Whether to poll the listener. At --max-children, or backing off after EMFILE, the
    /// parent stops accepting; connections wait in the backlog and none is refused.
    /// </summary>
    private bool AcceptingNow(out int timeoutMs)
    {
        timeoutMs = -1;
        if (_children.Running >= _options.MaxChildren) return false;
        long wait = _acceptPausedUntil - Environment.TickCount64;
        if (wait <= 0) return true;
        timeoutMs = (int)wait;
        return false;
    }

    /// <summary>Takes every pending signal; true when the server must stop.</summary>
    private bool HandleSignals()
    {
        bool stop = false, stats = false;
        while (_signals!.TryRead(out signalfd_siginfo info))
        {
            switch ((int)info.ssi_signo)
            {
                case LibC.SIGCHLD:
                    _reaper.OnSigchld(info);
                    break;
                case LibC.SIGTERM:
                case LibC.SIGINT:
                    Log.Info(Log.Line().Add("received "u8).Add(Signals.Text((int)info.ssi_signo))
                                       .Add(", stopping"u8));
                    stop = true;
                    break;
                case LibC.SIGHUP when _options.LogFile == null:
                    // No log to reopen: a hangup means what it means to the C server, whose
                    // default action ends it, so `echosrv &` goes with its terminal.
                    Log.Info("received SIGHUP, no --log file to reopen: stopping");
                    stop = true;
                    break;
                case LibC.SIGHUP:
                    if (Log.ReopenFile()) Log.Info("received SIGHUP; log reopened");
                    break;
                case LibC.SIGUSR1:
                    // Reported after the loop: signalfd hands out the lowest signal number
                    // first, so a SIGCHLD already pending is read after SIGUSR1.
                    stats = true;
                    break;
            }
        }
        if (stats)
        {
            _reaper.Poll(); // --reap ignore: children the kernel released since their SIGCHLD
            LogStats();
        }
        return stop;
    }

    /// <summary>
    /// accept(2), NOTES: errors of the connection being accepted, which Linux passes on from
    /// accept(), mean "try again", like EAGAIN. ECONNABORTED and EPROTO are UNP 5.11's
    /// client that reset before we accepted it.
    /// </summary>
    private static bool AcceptRetryable(int err)
        => err is LibC.ECONNABORTED or LibC.EPROTO or LibC.ENETDOWN or LibC.ENOPROTOOPT or LibC.EHOSTDOWN
               or LibC.ENONET or LibC.EHOSTUNREACH or LibC.EOPNOTSUPP or LibC.ENETUNREACH;

    /// <summary>Accepts what is queued, forking one child per connection; returns 0, or the errno of a fatal accept error.</summary>
    private int AcceptSome()
    {
        sockaddr_storage cliaddr = default;
        Span<byte> host = stackalloc byte[LibC.INET6_ADDRSTRLEN];
        for (int burst = 0; burst < AcceptBurst && _children.Running < _options.MaxChildren; burst++)
        {
            uint clilen = 128;
            int connfd = LibC.accept4(_listenfd, ref cliaddr, ref clilen, LibC.SOCK_CLOEXEC);
            if (connfd < 0)
            {
                int err = Errno.Last;
                if (err == LibC.EAGAIN) return 0; // the queue is empty
                if (err == LibC.EINTR) continue;  // UNP 5.9: restart the interrupted accept
                if (AcceptRetryable(err))
                {
                    // That connection failed, not the server. Say so, and go on.
                    Log.Info(Log.Line().Add("accept error: "u8).AddErrno(err).Add(", retrying"u8));
                    continue;
                }
                if (err == LibC.EMFILE || err == LibC.ENFILE || err == LibC.ENOBUFS || err == LibC.ENOMEM)
                {
                    Log.Error(Log.Line().Add("accept error: "u8).AddErrno(err));
                    PauseAccepting();
                    return 0;
                }
                return err;
            }
            _backoffMs = 0;
            _stats.Accepted++;
            if (_options.KeepaliveSeconds > 0) SetKeepalive(connfd); // set in the parent: the child (or exec'd program) inherits the socket

            // Here in every mode, --exec too: accept() told us the peer, while an exec'd
            // child's getpeername() fails once the client has reset (it is told --peer-logged).
            int hostLen = Addresses.SockNtopHost(ref cliaddr, host);
            Log.Info(Log.Line().Add("connection from "u8).Add(host[..Math.Max(hostLen, 0)])
                               .Add(", port "u8).Add(Addresses.Port(ref cliaddr)));

            if (_options.Concurrency == Concurrency.Iterative)
            {
                _service.Serve(connfd, connfd); // UNP 1.5: one client at a time, in the parent
                LibC.close(connfd);
                continue;
            }

            int pid = _options.Concurrency == Concurrency.Exec
                ? ForkPath.ForkAndExec(connfd, _execPlan!, Log.FileFd)
                : ForkPath.ForkAndServe(connfd, _service, _children.Pidfds); // the child never returns from either
            if (pid < 0)
            {
                int err = Errno.Last;
                _stats.ForkFailures++;
                Log.Error(Log.Line().Add("fork error: "u8).AddErrno(err));
                LibC.close(connfd);
                PauseAccepting();
                return 0;
            }
            LibC.close(connfd); // UNP 4.8: the parent closes the connected socket; the child has it
            Track(pid);
        }
        return 0;
    }

    /// <summary>
    /// Holds a new child by a pidfd as well as its pid (opened after close(connfd), so a
    /// descriptor is free for it). pidfd_open sets close-on-exec itself: an exec'd child
    /// does not inherit it; a forked one closes it (ForkPath).
    /// </summary>
    private void Track(int pid)
    {
        int pidfd = LibC.pidfd_open(pid, 0);
        if (pidfd < 0)
        {
            int err = Errno.Last;
            // --reap ignore: the child may have exited and been reaped already.
            if (err == LibC.ESRCH)
            {
                _stats.Reaped++;
                return;
            }
            Log.Error(Log.Line().Add("pidfd_open error: "u8).AddErrno(err));
        }
        else if (_options.Reap == ReapMode.Ignore && Reaper.HasVanished(pid, -1))
        {
            // Reaped by the kernel before pidfd_open: that pid is no longer our child's.
            LibC.close(pidfd);
            _stats.Reaped++;
            return;
        }
        _children.Add(pid, pidfd);
        _stats.PeakActive = Math.Max(_stats.PeakActive, _children.Running);
    }

    /// <summary>UNP 7.5: a failed option is reported; the connection is served without it.</summary>
    private void SetKeepalive(int connfd)
    {
        if (Keepalive.Set(connfd, _options.KeepaliveSeconds, out int option) == 0) return;
        int err = Errno.Last;
        Log.Error(Log.Line().Add("setsockopt "u8).Add(Keepalive.OptionName(option)).Add(" error: "u8).AddErrno(err));
    }

    /// <summary>Out of descriptors or processes: stop polling the listener for a while instead of spinning.</summary>
    private void PauseAccepting()
    {
        _backoffMs = _backoffMs == 0 ? 100 : Math.Min(_backoffMs * 2, MaxBackoffMs);
        _acceptPausedUntil = Environment.TickCount64 + _backoffMs;
    }

    /// <summary>
    /// SIGTERM/SIGINT: close the listener at once, so new clients are refused; end the
    /// children with SIGTERM (SIGKILL after a grace period), reap them all, exit 0.
    /// </summary>
    private int Stop()
    {
        LibC.close(_listenfd);
        _listenfd = -1;
        Signal(LibC.SIGTERM);
        long deadline = Environment.TickCount64 + StopGraceMs;
        bool killed = false;
        Span<pollfd> fds = stackalloc pollfd[1];
        for (;;)
        {
            _reaper.ReapAll(); // --reap none and wait left zombies: a stopping server collects them all
            if (_children.Count == 0) break;
            if (Environment.TickCount64 > deadline)
            {
                if (killed) break;
                Signal(LibC.SIGKILL);
                killed = true;
                deadline = Environment.TickCount64 + 2000;
            }
            fds[0].fd = _signals!.Fd;
            fds[0].events = LibC.POLLIN;
            LibC.poll(fds, 1, 50);
            while (_signals.TryRead(out _)) { }
        }
        Log.Info(_children.Count == 0
            ? "stopped"
            : $"stopped; {_children.Count} children did not exit");
        return 0;
    }

    /// <summary>
    /// Signals every running child through its pidfd, which cannot name a process that
    /// reused the pid. Without a pidfd, only a child the kernel does not reap by itself
    /// (not --reap ignore) keeps its pid until we wait for it, so kill() is safe there.
    /// </summary>
    private void Signal(int sig)
    {
        for (int i = 0; i < _children.Count; i++)
        {
            if (_children.HasExited(i)) continue;
            if (_children.Pidfd(i) >= 0) LibC.pidfd_send_signal(_children.Pidfd(i), sig);
            else if (_options.Reap != ReapMode.Ignore) LibC.kill(_children.Pid(i), sig);
        }
    }

    private void LogStats()
        => Log.Info(Log.Line().Add("stats: accepted "u8).Add(_stats.Accepted)
                              .Add(", active "u8).Add(_children.Running)
                              .Add(", reaped "u8).Add(_stats.Reaped)
                              .Add(", peak active "u8).Add(_stats.PeakActive)
                              .Add(", fork failures "u8).Add(_stats.ForkFailures)
                              .Add(", log lines lost "u8).Add(Log.LostLines));
}
