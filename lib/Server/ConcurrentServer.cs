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
            if (options.Concurrency != Concurrency.Iterative)
                RuntimeGuard.EnsureForkSafeRuntime(); // R1: may re-execute this program
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
        if (_options.User != null) Privileges.DropTo(_options.User); // bound, so root is no longer needed
        _signals = SignalQueue.Open();
        _reaper.Install();
        _service.IdleTimeoutMs = _options.IdleTimeoutSeconds * 1000;
        if (_options.Concurrency == Concurrency.Exec)
        {
            var argv = new List<byte[]> { RuntimeGuard.OwnArguments()[0] };
            argv.AddRange(_options.ExecArguments.Select(Encoding.UTF8.GetBytes));
            _execPlan = RuntimeGuard.ThisProgram(argv, RuntimeGuard.CurrentEnvironment()); // built once, in the parent (R4)
        }
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
            if (fds[1].revents != 0) AcceptSome();
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

    /// <summary>Accepts what is queued, forking one child per connection.</summary>
    private void AcceptSome()
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
                if (err == LibC.EAGAIN) return;   // the queue is empty
                if (err == LibC.EINTR) continue;  // UNP 5.9: restart the interrupted accept
                if (err == LibC.ECONNABORTED || err == LibC.EPROTO)
                {
                    // UNP 5.11: the client reset the connection before we accepted it. Say so, and go on.
                    Log.Info(Log.Line().Add("accept error: "u8).AddErrno(err).Add(", retrying"u8));
                    continue;
                }
                if (err == LibC.EMFILE || err == LibC.ENFILE || err == LibC.ENOBUFS || err == LibC.ENOMEM)
                {
                    Log.Error(Log.Line().Add("accept error: "u8).AddErrno(err));
                    PauseAccepting();
                    return;
                }
                throw new UnpException("accept", err);
            }
            _backoffMs = 0;
            _stats.Accepted++;

            if (_options.Concurrency != Concurrency.Exec) // an exec'd child logs its peer itself (getpeername)
            {
                int n = Addresses.SockNtopHost(ref cliaddr, host);
                Log.Info(Log.Line().Add("connection from "u8).Add(host[..Math.Max(n, 0)])
                                   .Add(", port "u8).Add(Addresses.Port(ref cliaddr)));
            }

            if (_options.Concurrency == Concurrency.Iterative)
            {
                _service.Serve(connfd, connfd); // UNP 1.5: one client at a time, in the parent
                LibC.close(connfd);
                continue;
            }

            int pid = _options.Concurrency == Concurrency.Exec
                ? ForkPath.ForkAndExec(connfd, _execPlan!)
                : ForkPath.ForkAndServe(connfd, _service); // the child never returns from either
            if (pid < 0)
            {
                int err = Errno.Last;
                _stats.ForkFailures++;
                Log.Error(Log.Line().Add("fork error: "u8).AddErrno(err));
                LibC.close(connfd);
                PauseAccepting();
                return;
            }
            _children.Add(pid);
            _stats.PeakActive = Math.Max(_stats.PeakActive, _children.Running);
            LibC.close(connfd); // UNP 4.8: the parent closes the connected socket; the child has it
        }
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

    private void Signal(int sig)
    {
        for (int i = 0; i < _children.Count; i++)
            if (!_children.HasExited(i)) LibC.kill(_children.Pid(i), sig);
    }

    private void LogStats()
        => Log.Info(Log.Line().Add("stats: accepted "u8).Add(_stats.Accepted)
                              .Add(", active "u8).Add(_children.Running)
                              .Add(", reaped "u8).Add(_stats.Reaped)
                              .Add(", peak active "u8).Add(_stats.PeakActive)
                              .Add(", fork failures "u8).Add(_stats.ForkFailures));
}
