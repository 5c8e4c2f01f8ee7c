// The event loop every server design runs on, the book's main() less its loop: the start-up
// (tcp_listen, --log, --user, the signalfd), one wait over the signalfd, the listener and a
// descriptor of the design's (R2), the signals (TERM/INT stop, HUP reopens the log, USR1
// stats, CHLD to the design), and the stop. Each design (lib/Server/Designs) runs its loop on it.
using System.Text;
using UnpServers.Child;
using UnpServers.ForkSafety;
using UnpServers.Interop;
using UnpServers.Server.Designs;
using UnpServers.Services;
using UnpServers.Unp;

namespace UnpServers.Server;

/// <summary>What ServerCore.Wait saw; None: a time-out or an interruption (UNP 5.9: wait again).</summary>
[Flags]
public enum Ready
{
    None = 0,
    /// <summary>Signals were handled, and none said stop.</summary>
    Signals = 1,
    Listener = 2,
    /// <summary>The design's own descriptor (a wake-up pipe, the log relay).</summary>
    Other = 4,
    /// <summary>SIGTERM, SIGINT or SIGHUP without --log, alone: the design returns core.Stop().</summary>
    Stop = 8,
}

public sealed class ServerCore
{
    private readonly ServerDesign _design;

    public ServerOptions Options { get; }
    public ConnectionService Service { get; }
    public ServerStats Stats { get; } = new();
    public Listener Listener { get; private set; } = null!;

    /// <summary>The handled signals as data (R2): read by Wait, or by a design's own wait through HandleSignals.</summary>
    public SignalQueue Signals { get; private set; } = null!;

    /// <summary>--exec: the argv and environment of the exec'd program, built before --user (R4).</summary>
    public ExecPlan? ExecPlan { get; private set; }

    private ServerCore(ServerOptions options, ConnectionService service, ServerDesign design)
        => (Options, Service, _design) = (options, service, design);

    /// <summary>Runs the server in its design until SIGTERM or SIGINT; returns the exit status.</summary>
    public static int Run(ServerOptions options, ConnectionService service)
    {
        // The programs refuse these as usage errors; this is for any other caller.
        if ((options.Check() ?? CheckService(options, service)) is string reason)
        {
            Log.Error(reason);
            return LibC.EX_USAGE;
        }
        try
        {
            // R1 in every mode (Main did it already): without the mask, a runtime thread would
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
                ("bind", var err) when err == EACCES => Privileges.PrivilegedPortHint(options.Port),
                ("bind", var err) when err == EADDRINUSE => TcpListen.PortInUseHint(options.Port),
                ("initgroups", var err) when err == EPERM => Privileges.UserNeedsRootHint(options.User!),
                _ => null,
            };
            Log.Error(hint == null ? e.Message : $"{e.Message}: {hint}");
            return 1;
        }
    }

    /// <summary>The multiplexers are echo servers (UNP 6.8's str_echo on non-blocking sockets): no other service.</summary>
    private static string? CheckService(ServerOptions options, ConnectionService service)
        => ServerModels.EchoOnly(options.Model) && service is not StrEcho
            ? $"{options.ModelOption(options.Model)} serves echo only (str_echo on non-blocking sockets, UNP 6.8)"
            : null;

    /// <summary>UNP's start-up: listen, open the log, drop privileges, then the design's preparation; "listening on" says it is ready.</summary>
    private void Start()
    {
        Listener = new Listener(Options, Service, Stats);
        if (Options.LogFile != null) Log.OpenFile(Options.LogFile);
        if (Options.Exec)
        {
            // UNP 4.7: built once, in the parent (R4), and before --user, after which the
            // process can no longer read its own /proc/self/environ.
            var argv = new List<byte[]> { Exec.OwnArguments()[0] };
            argv.AddRange(Options.ExecArguments.Select(Encoding.UTF8.GetBytes));
            ExecPlan = Exec.ThisProgram(argv, Exec.OwnEnvironment());
        }
        if (Options.User != null)
        {
            Privileges.DropTo(Options.User); // bound, so root is no longer needed
            // Said once now, rather than as an execve() error at every connection.
            if (ExecPlan != null && LibC.access(Encoding.UTF8.GetBytes(Exec.ProgramPath + "\0"), X_OK) < 0)
            {
                int err = Errno.Last;
                throw new UnpException("access", err, $"--exec: user {Encoding.UTF8.GetString(Options.User)} cannot run {Exec.ProgramPath}: {ErrorText.Describe(err)}");
            }
        }
        else if (Privileges.RootWarning(Options.User) is string warning) Log.Error(warning);
        Signals = SignalQueue.Open();
        Service.IdleTimeoutMs = Options.IdleTimeoutSeconds * 1000;
        _design.Prepare(this);

        Log.Info($"listening on {Sockets.HostText(ref Listener.Bound)}, port {Addresses.Port(ref Listener.Bound)}, pid {LibC.getpid()}");
    }

    /// <summary>
    /// The one wait of a design's loop (R2): the signalfd, the listener while accepting, and
    /// other, a descriptor of the design's own (-1: none). The signals are handled here.
    /// </summary>
    public Ready Wait(bool accepting, int other, int timeoutMs)
    {
        Span<pollfd> fds = stackalloc pollfd[3];
        fds[0] = new pollfd { fd = Signals.Fd, events = POLLIN };
        fds[1] = new pollfd { fd = accepting ? Listener.Fd : -1, events = POLLIN }; // poll() skips a negative descriptor
        fds[2] = new pollfd { fd = other, events = POLLIN };
        if (Poll(fds, timeoutMs) == 0) return Ready.None;
        Ready ready = Ready.None;
        if (fds[0].revents != 0)
        {
            if (HandleSignals()) return Ready.Stop; // and nothing else: the design stops
            ready = Ready.Signals;
        }
        if (fds[1].revents != 0) ready |= Ready.Listener;
        if (fds[2].revents != 0) ready |= Ready.Other;
        return ready;
    }

    /// <summary>
    /// poll(2) for a design's own wait: the number of ready descriptors, 0 on a time-out or an
    /// interruption (UNP 5.9: just poll again); any other error ends the server.
    /// </summary>
    public int Poll(Span<pollfd> fds, int timeoutMs)
    {
        int ready = LibC.poll(fds, fds.Length, timeoutMs);
        if (ready >= 0) return ready;
        int err = Errno.Last;
        if (err == EINTR) return 0;
        throw new UnpException("poll", err);
    }

    /// <summary>Takes every pending signal; true when the server must stop.</summary>
    public bool HandleSignals()
    {
        bool stop = false, stats = false, reaped = false;
        while (Signals.TryRead(out signalfd_siginfo info))
        {
            int sig = (int)info.ssi_signo;
            if (sig == SIGCHLD)
            {
                _design.OnSigchld(info);
                reaped = true;
            }
            else if (sig == SIGTERM || sig == SIGINT)
            {
                Log.Info(Log.Line().Add("received "u8).Add(Unp.Signals.Text(sig)).Add(", stopping"u8));
                stop = true;
            }
            else if (sig == SIGHUP && Options.LogFile is { } logFile)
            {
                if (Log.Reopen(logFile)) Log.Info("received SIGHUP; log reopened");
            }
            else if (sig == SIGHUP)
            {
                // No log to reopen: the C server's default action ends it, so `echosrv &` goes with its terminal.
                Log.Info("received SIGHUP, no --log file to reopen: stopping");
                stop = true;
            }
            else if (sig == SIGUSR1)
            {
                stats = true; // after the loop: signalfd hands out SIGUSR1 before a pending SIGCHLD
            }
        }
        // Not when stopping: a ^C reaches the children too, and their replacements would only be stopped.
        if ((reaped || stats) && !stop) _design.ChildrenChanged(this);
        if (stats) _design.LogStats(this);
        return stop;
    }

    /// <summary>err_sys on accept: the error, then the same ending as SIGTERM's, and exit 1 rather than 0.</summary>
    public int FatalAcceptError(int err)
    {
        Log.Error(Log.Line().Add("accept error: "u8).AddErrno(err));
        Stop();
        return 1;
    }

    /// <summary>
    /// SIGTERM/SIGINT: close the listener at once, so new clients are refused; then the design
    /// ends its connections and logs "stopped". Returns 0, the exit status.
    /// </summary>
    public int Stop()
    {
        Listener.Close();
        _design.StopConnections(this);
        return 0;
    }

    /// <summary>
    /// The SIGUSR1 line; active is the design's count (children, threads or clients). A forking
    /// design adds its children's counts; with --reap ignore the kernel reaps them.
    /// </summary>
    public void LogStats(int active, Children? children = null)
    {
        LogLine line = Log.Line().Add("stats: accepted "u8).Add(Stats.Accepted).Add(", active "u8).Add(active);
        if (children != null)
            line.Add(Options.Reap == ReapMode.Ignore ? ", reaped by the kernel "u8 : ", reaped "u8).Add(children.Reaper.Reaped);
        line.Add(", peak active "u8).Add(Stats.PeakActive);
        if (children != null) line.Add(", fork failures "u8).Add(children.ForkFailures);
        Log.Info(line.Add(", log lines lost "u8).Add(Log.LostLines));
    }
}
