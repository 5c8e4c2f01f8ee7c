// unpwatch's main loop: one epoll set holds the signals (SignalPipe), the keyboard and the set
// of the watched processes' pidfds (ExitWatch); a frame is read and drawn ten times a second,
// and an exited process is looked at again within milliseconds until it is reaped.
using System.Diagnostics;
using System.Runtime.InteropServices;
using UnpServers.Interop;
using UnpServers.Unp;

namespace UnpServers.UnpWatch;

public static class Watcher
{
    private static readonly long FrameTicks = Stopwatch.Frequency / 10;
    private const ulong ExitTag = 1, SignalTag = 2, KeyTag = 3;

    public static int Run(Options o)
    {
        try
        {
            return Watch(o);
        }
        catch (UnpException e)
        {
            Output.Write(Stdio.Err, $"unpwatch: {e.Message}\n");
            return 1;
        }
    }

    private static int Watch(Options o)
    {
        RaiseDescriptorLimit();
        bool eventsOnly = o.Events == "-";
        bool tty = !o.Once && !eventsOnly && Terminal.TakesEscapes();
        using var events = new EventLog();
        using var view = new ServerView(events, live: !o.Once);
        (int pid, ushort[] ports) = Target.Find(o, view.Sockets);
        if (tty && Terminal.Size() is var (rows, cols) && (rows < FrameText.MinRows || cols < FrameText.MinColumns))
            Target.BadInput($"the terminal is {cols}x{rows}; the view needs at least {FrameText.MinColumns}x{FrameText.MinRows} (or use --once)");
        if (o.Events != null) events.WriteTo(o.Events);
        view.Start(pid, ports, Stopwatch.GetTimestamp());

        var frame = new Frame();
        var screen = new Screen();
        if (o.Once)
        {
            FrameText.Build(frame, view, 0, 0, events.Count, tty: false, Stopwatch.GetTimestamp());
            return Quit(screen.Print(frame, blankAfter: false));
        }

        int epfd = LibC.epoll_create1(EPOLL_CLOEXEC);
        if (epfd < 0) throw new UnpException("epoll_create1", Errno.Last);
        LibC.epoll_ctl(epfd, EPOLL_CTL_ADD, view.ExitsFd, EPOLLIN, ExitTag);
        using var signals = tty
            ? new SignalPipe(PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP, PosixSignal.SIGQUIT,
                             PosixSignal.SIGWINCH, PosixSignal.SIGTSTP, PosixSignal.SIGCONT)
            : new SignalPipe(PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP, PosixSignal.SIGQUIT);
        LibC.epoll_ctl(epfd, EPOLL_CTL_ADD, signals.Fd, EPOLLIN, SignalTag);
        Terminal? term = tty ? new Terminal() : null;
        try
        {
            if (term != null) Show(term, screen, epfd);
            return Loop(view, frame, screen, term, signals, epfd, eventsOnly);
        }
        finally
        {
            term?.Leave();
            LibC.close(epfd);
        }
    }

    private static int Loop(ServerView view, Frame frame, Screen screen, Terminal? term, SignalPipe signals, int epfd, bool eventsOnly)
    {
        EventLog events = view.Events;
        long printed = 0;               // plain text: the events already printed under a frame
        bool sampled = true;            // Start read the first frame
        int onScreen = 0;               // the process rows drawn: read more often than the rest
        long nextFrame = Stopwatch.GetTimestamp();
        Span<epoll_event> ready = stackalloc epoll_event[64];
        for (;;)
        {
            long now = Stopwatch.GetTimestamp();
            if (now >= nextFrame)
            {
                if (!sampled) view.Sample(now, freshRows: onScreen);
                sampled = false;
                int err = 0;
                if (term != null)
                {
                    if (screen.Rows < FrameText.MinRows || screen.Cols < FrameText.MinColumns) TooSmall(frame, screen);
                    else onScreen = FrameText.Build(frame, view, screen.Cols, screen.Rows, 0, tty: true, now);
                    err = screen.Draw(frame);
                }
                else if (!eventsOnly && events.Count > printed)
                {
                    FrameText.Build(frame, view, 0, 0, printed, tty: false, now);
                    printed = events.Count;
                    err = screen.Print(frame, blankAfter: true);
                }
                if (err != 0) return Quit(err);
                if (events.WriteError != 0) return EventsFailed(events);
                nextFrame += FrameTicks;
                if (nextFrame <= now) nextFrame = now + FrameTicks;
            }

            long wake = Math.Min(nextFrame, view.NextLook);
            int timeout = (int)Math.Clamp((wake - Stopwatch.GetTimestamp() + Stopwatch.Frequency / 1000 - 1) * 1000 / Stopwatch.Frequency, 0, 1000);
            int n = LibC.epoll_wait(epfd, ready, timeout);
            if (n < 0 && Errno.Last != EINTR) throw new UnpException("epoll_wait", Errno.Last);
            now = Stopwatch.GetTimestamp();
            for (int i = 0; i < n; i++)
            {
                ulong data = ready[i].data.u64;
                if (data == ExitTag) view.OnExits(now);
                else if (data == KeyTag && Key(term!, screen, epfd)) return 0;
                else if (data == SignalTag)
                {
                    for (int sig; (sig = signals.Next()) != 0;)
                        if (Signal(sig, term, screen, epfd)) return 0;
                }
            }
            view.LookForReaped(now);
        }
    }

    /// <summary>A signal, read from the pipe; true when it ends the view.</summary>
    private static bool Signal(int sig, Terminal? term, Screen screen, int epfd)
    {
        if (sig == SIGWINCH)
        {
            (int rows, int cols) = Terminal.Size();
            screen.Resize(rows, cols);
            return false;
        }
        if (sig == SIGTSTP) // Ctrl-Z: the terminal as it was, then stopped as the shell expects
        {
            if (term == null) return false;
            term.Leave();
            LibC.kill(LibC.getpid(), SIGSTOP);
            return false;
        }
        if (sig == SIGCONT) // fg: the view again, drawn whole
        {
            if (term != null) Show(term, screen, epfd);
            return false;
        }
        return true; // INT, TERM, HUP, QUIT
    }

    /// <summary>A key; true for q.</summary>
    private static bool Key(Terminal term, Screen screen, int epfd)
    {
        Span<byte> keys = stackalloc byte[64];
        nint n = LibC.read(Stdio.In, keys);
        if (n <= 0)
        {
            if (n == 0 || Errno.Last != EAGAIN) LibC.epoll_ctl(epfd, EPOLL_CTL_DEL, Stdio.In, 0, 0); // no more keys
            return false;
        }
        foreach (byte k in keys[..(int)n])
        {
            if (k is (byte)'q' or (byte)'Q') return true;
            if (k == 0x0c) screen.Invalidate(); // Ctrl-L
        }
        return false;
    }

    /// <summary>Into the full-screen view, keys on (again, after Ctrl-Z and fg).</summary>
    private static void Show(Terminal term, Screen screen, int epfd)
    {
        term.Enter();
        (int rows, int cols) = Terminal.Size();
        screen.Resize(rows, cols);
        if (term.Keys) LibC.epoll_ctl(epfd, EPOLL_CTL_ADD, Stdio.In, EPOLLIN, KeyTag); // EEXIST after fg: fine
    }

    private static void TooSmall(Frame f, Screen s)
    {
        f.Clear();
        f.Add(Style.Alert).Add("terminal too small: ").Add(s.Cols).Add('x').Add(s.Rows)
         .Add(", needs ").Add(FrameText.MinColumns).Add('x').Add(FrameText.MinRows);
    }

    /// <summary>The end after a failed write to stdout: a reader that went away (EPIPE) is the normal end of a pipeline.</summary>
    private static int Quit(int err)
    {
        if (err == 0 || err == EPIPE) return 0;
        Output.Write(Stdio.Err, $"unpwatch: write error on stdout: {ErrorText.Describe(err)}\n");
        return 1;
    }

    private static int EventsFailed(EventLog events)
    {
        if (events.WriteError == EPIPE) return 0;
        Output.Write(Stdio.Err, $"unpwatch: write error on {events.Name}: {ErrorText.Describe(events.WriteError)}\n");
        return 1;
    }

    /// <summary>Descriptors kept open: a few per watched process (its /proc files and pidfd). The soft limit goes up to the hard one.</summary>
    private static void RaiseDescriptorLimit()
    {
        if (LibC.getrlimit(LibC.RLIMIT_NOFILE, out rlimit r) == 0 && r.rlim_cur < r.rlim_max)
            LibC.setrlimit(LibC.RLIMIT_NOFILE, new rlimit { rlim_cur = r.rlim_max, rlim_max = r.rlim_max });
    }
}
