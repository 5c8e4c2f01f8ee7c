// The screen's layout: a title, the counters, the processes as ps f lists them, the sockets as
// netstat -tan does, and the last events. On a terminal each part gets its share of the rows
// and a part that does not fit ends with "... N more"; as plain text (--once, a pipe) nothing
// is cut.
using System.Diagnostics;
using UnpServers.Interop;
using UnpServers.Watch;

namespace UnpServers.UnpWatch;

public static class FrameText
{
    /// <summary>The smallest terminal the view is drawn on.</summary>
    public const int MinColumns = 70, MinRows = 16;

    private const int PidWidth = 7, StateWidth = 9, AgeWidth = 6, WhereWidth = 15;
    private const int TcpStateWidth = 11, QueueWidth = 6;
    /// <summary>The title, the counters and the three headings.</summary>
    private const int FixedRows = 5;

    /// <summary>
    /// Builds the frame. width, height: the terminal's, or 0 for plain text (no limit). The
    /// events shown are those numbered from eventsFrom on (the last that fit, on a terminal).
    /// </summary>
    /// <returns>The rows given to processes (for a terminal: those the next frame reads afresh).</returns>
    public static int Build(Frame f, ServerView v, int width, int height, long eventsFrom, bool tty, long now)
    {
        f.Clear();
        double uptime = ProcStat.Uptime();
        Title(f.Add(Style.Title), v, width, tty);
        ProcessTable procs = v.Processes;
        f.Add().Add("connections seen ").Add(v.Sockets.Connections).Add("   children ").Add(procs.ChildrenAlive)
               .Add("   zombies ").Add(procs.ZombiesNow).Add(" (at most ").Add(procs.ZombiesMost).Add(")   reaped ").Add(procs.Reaped);
        if (v.SocketsEvery > 0) // a machine with a huge socket table: see DumpBudget
        {
            Span<char> every = stackalloc char[16];
            f[f.Count - 1].Add("   sockets every ").Add(every[..Units.Duration(v.SocketsEvery, every)]);
        }

        int procRows = 0;
        foreach (WatchedTask p in procs.InOrder) procRows += p.Gone ? 0 : 1 + VisibleThreads(p);
        int sockRows = v.Sockets.InOrder.Count;
        long events = v.Events.Count - eventsFrom;
        (int pRows, int sRows, int eRows) = height == 0 ? (procRows, sockRows, (int)Math.Min(events, 512))
                                                        : Share(height - FixedRows, procRows, sockRows, v.Events.Count);

        f.Add(Style.Header).Right("PID", PidWidth).Spaces(1).Right("PPID", PidWidth).Spaces(2).Left("STATE", StateWidth + 2)
         .Right("AGE", AgeWidth).Spaces(2).Left("WAITING IN", WhereWidth).Spaces(1).Add("COMMAND");
        int shown = 0;
        foreach (WatchedTask p in procs.InOrder)
        {
            if (p.Gone) continue;
            if (Cut(f, ref shown, pRows, procRows, "processes")) break;
            Process(f.Add(Row(p)), p, p.Stat.Ppid, uptime);
            foreach (WatchedTask t in p.Threads.Values)
            {
                if (t.Hidden) continue;
                if (Cut(f, ref shown, pRows, procRows, "processes")) break;
                Process(f.Add(Row(t)), t, -1, uptime);
            }
        }

        int addr = AddressWidth(v.Sockets.InOrder, width);
        f.Add(Style.Header).Left("STATE", TcpStateWidth).Spaces(1).Left("LOCAL", addr).Spaces(1).Left("PEER", addr).Spaces(1)
         .Right("RECV-Q", QueueWidth).Spaces(1).Right("SEND-Q", QueueWidth).Spaces(2).Add("PROCESS");
        shown = 0;
        foreach (WatchedSocket w in v.Sockets.InOrder)
        {
            if (Cut(f, ref shown, sRows, sockRows, "sockets")) break;
            Socket(f.Add(Row(w)), w, v, addr, now);
        }

        if (height == 0 && events <= 0) return pRows;
        int room = height == 0 ? eRows : height - f.Count - 1;
        f.Add(Style.Header).Add(tty ? "EVENTS" : "EVENTS (since the last frame)");
        for (long i = Math.Max(eventsFrom, v.Events.Count - room); i < v.Events.Count; i++)
            if (v.Events[i] is WatchEvent e) f.Add(EventStyle(e.Kind)).Add(e.Time).Spaces(2).Add(e.Text);
        return pRows;
    }

    private static void Title(Line l, ServerView v, int width, bool tty)
    {
        l.Add("unpwatch: ").Add(v.Describe());
        Span<char> clock = stackalloc char[8];
        DateTime.Now.TryFormat(clock, out int n, "HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        ReadOnlySpan<char> hint = tty ? "   q: quit" : "";
        if (width > 0) l.To(width - 1 - n - hint.Length);
        else l.Add(",");
        l.Spaces(width > 0 ? 0 : 1).Add(clock[..n]).Add(hint);
    }

    /// <summary>
    /// Rows for processes, sockets and events out of the rows left after the five fixed lines:
    /// the events a quarter at most (three at least), the rest shared by the other two.
    /// </summary>
    private static (int, int, int) Share(int rows, int procRows, int sockRows, long eventCount)
    {
        int events = (int)Math.Clamp(eventCount, 3, Math.Max(3, rows / 4));
        int rest = rows - events;
        int p = procRows + sockRows <= rest ? procRows : Math.Min(procRows, Math.Max(rest / 2, rest - sockRows));
        int s = Math.Min(sockRows, rest - p);
        return (p, s, rows - p - s);
    }

    /// <summary>True when the rows are used up: the last one then says how many were left out.</summary>
    private static bool Cut(Frame f, ref int shown, int rows, int total, string what)
    {
        shown++;
        if (total <= rows || shown < rows) return false;
        if (shown == rows) f.Add(Style.Dim).Add("... ").Add(total - rows + 1).Add(" more ").Add(what);
        return true;
    }

    private static int VisibleThreads(WatchedTask p)
    {
        int n = 0;
        foreach (WatchedTask t in p.Threads.Values) if (!t.Hidden) n++;
        return n;
    }

    private static Style Row(WatchedTask p) => p.Stat.State switch
    {
        'Z' => Style.Alert,
        'T' or 't' => Style.Warn,
        _ => Style.Plain,
    };

    private static void Process(Line l, WatchedTask p, int ppid, double uptime)
    {
        l.Right(p.IsThread ? p.Tid : p.Pid, PidWidth).Spaces(1);
        if (ppid < 0) l.Right("-", PidWidth);
        else l.Right(ppid, PidWidth);
        l.Spaces(2).Add(p.Stat.State).Spaces(1).Left(ProcStat.StateWord(p.Stat.State), StateWidth);
        Span<char> age = stackalloc char[16];
        l.Right(age[..Units.Duration(p.Stat.Age(uptime), age)], AgeWidth).Spaces(2).Left(p.Where ?? "-", WhereWidth).Spaces(1);
        if (p.Depth > 0) l.Spaces(2 * (p.Depth - 1)).Add("\\_ ");
        if (p.IsThread) l.Add("{").Add(p.Comm).Add("}");
        else l.Add(p.Comm).Add(p.IsZombie ? " <defunct>" : "");
    }

    private static int AddressWidth(IReadOnlyList<WatchedSocket> sockets, int width)
    {
        int longest = 15; // "127.0.0.1:65535"
        foreach (WatchedSocket w in sockets) longest = Math.Max(longest, Math.Max(w.Local.Length, w.Remote.Length));
        if (width == 0) return longest;
        int fits = (width - TcpStateWidth - 2 * QueueWidth - 6 - 16) / 2;
        return Math.Clamp(longest, 9, Math.Max(9, fits));
    }

    private static Style Row(WatchedSocket w) => w.Now.State switch
    {
        LibC.TCP_CLOSE_WAIT or LibC.TCP_FIN_WAIT2 or LibC.TCP_LAST_ACK or LibC.TCP_FIN_WAIT1 or LibC.TCP_CLOSING => Style.Warn,
        LibC.TCP_TIME_WAIT => Style.Dim,
        _ => Style.Plain,
    };

    private static void Socket(Line l, WatchedSocket w, ServerView v, int addr, long now)
    {
        l.Left(TcpStates.Name(w.Now.State), TcpStateWidth).Spaces(1).Left(w.Local, addr).Spaces(1).Left(w.Remote, addr).Spaces(1)
         .Right(w.Now.RecvQ, QueueWidth).Spaces(1).Right(w.Now.SendQ, QueueWidth).Spaces(2);
        if (w.Now.State == LibC.TCP_TIME_WAIT)
        {
            Span<char> left = stackalloc char[16];
            double seconds = Math.Max(0, w.Now.ExpiresMs / 1000.0 - Stopwatch.GetElapsedTime(v.SampledAt, now).TotalSeconds);
            l.Add(left[..Units.Duration(seconds, left)]).Add(" left");
            return;
        }
        int pid = v.Holders.Holder(w.Now);
        if (pid > 0)
        {
            l.Add(pid).Spaces(1).Add(v.Processes.TryGet(pid, out WatchedTask t) ? t.Comm : v.Holders.OutsiderName(pid) ?? "?");
            if (w.IsListener) l.Add(", accept queue ").Add(w.Now.RecvQ).Add('/').Add(w.Now.SendQ);
        }
        else if (w.Now.Inode != 0) l.Add("-"); // not a process this user may look into
        else if (w.ServerSide && w.Now.State == LibC.TCP_ESTABLISHED) l.Add("(accept queue)");
        else if (w.Now.State is LibC.TCP_SYN_RECV or LibC.TCP_NEW_SYN_RECV) l.Add("(SYN queue)");
        else l.Add("(no process: closed)");
    }

    private static Style EventStyle(EventKind k) => k switch
    {
        EventKind.Killed or EventKind.Zombie => Style.Alert,
        EventKind.State => Style.Warn,
        EventKind.Closed => Style.Dim,
        _ => Style.Plain,
    };
}
