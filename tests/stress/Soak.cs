using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using UnpServers.Interop;
using UnpServers.Testing;

namespace UnpServers.Stress;

/// <summary>
/// The load, the killer, and the measurements around them. Two phases: a kill phase, where
/// random children are killed and every connection cut short must be one the killer cut;
/// then a quiet phase with no kills, where every connection must echo whole within the
/// time-out: a slower one is a hang, which the kills of the first phase would have hidden.
/// </summary>
public sealed class Soak(Options options, ServerProcess server)
{
    /// <summary>One live connection, as the killer finds it by its client's port.</summary>
    private sealed class Conn
    {
        public volatile bool Killed;
    }

    private long _next;           // connections handed out in the current phase
    private long _done;           // connections finished in all, whatever the outcome
    private readonly Phase _kill = new(), _quiet = new();
    private long _termKills, _killKills, _unmarkedKills;
    private volatile bool _stopKiller;
    private long _rssAfter1000 = -1;
    /// <summary>Connections in progress, by the client's local port (the child's peer port).</summary>
    private readonly ConcurrentDictionary<int, Conn> _live = new();

    public Report Run()
    {
        // Warm up: the first connection opens nothing new in the parent, but count from a served state.
        Connection(new Random(0), new byte[options.MaxPayload], new byte[options.MaxPayload + 1], new Phase());
        WaitForNoChildren(5000);
        int fdStart = ProcFs.FdCount(server.Pid);
        long rssStart = ProcFs.RssKb(server.Pid);

        var sw = Stopwatch.StartNew();
        long deadline = Environment.TickCount64 + options.MaxSeconds * 1000L;
        var progress = new Thread(() => Progress(sw)) { IsBackground = true };
        progress.Start();

        // The kill phase.
        var killer = new Thread(Killer) { IsBackground = true, Name = "killer" };
        killer.Start();
        RunClients(_kill, options.Connections, deadline);
        _stopKiller = true;
        killer.Join();
        double killSeconds = sw.Elapsed.TotalSeconds;
        WaitForNoChildren(5000);

        // The quiet phase: nothing is killed, so nothing may be cut, and nothing may be slow.
        var quietWatch = Stopwatch.StartNew();
        RunClients(_quiet, options.QuietConnections, deadline);
        double quietSeconds = quietWatch.Elapsed.TotalSeconds;
        double seconds = sw.Elapsed.TotalSeconds;

        // Every child should exit as soon as its client is gone; what is still alive is hung
        // (beyond a pre-forked design's resident children, which wait in accept()).
        WaitForNoChildren(5000);
        int[] left = server.Children();
        int zombies = left.Count(pid => ProcFs.State(pid) == 'Z');
        int hung = Math.Max(0, left.Length - zombies - options.ResidentChildren);
        int fdEnd = ProcFs.FdCount(server.Pid);
        long rssEnd = ProcFs.RssKb(server.Pid);
        bool parentAlive = !server.HasExited;

        var stop = server.Stop(5000);

        // Children that died other than by our kills, or exited with a failure status. Read once
        // the server is gone, so that every child's last line is in; up to its stop, whose
        // SIGTERM to a pre-forked design's resident children is not ours.
        string[] log = server.LogLines().TakeWhile(l => !l.StartsWith("received SIGTERM", StringComparison.Ordinal)).ToArray();
        string[] crashes = log.Where(l => l.StartsWith("child ")
                                          && (l.Contains(" terminated by signal ") && !l.EndsWith("(SIGTERM)") && !l.EndsWith("(SIGKILL)")
                                              || l.Contains(" terminated, exit status ") && !l.EndsWith(" exit status 0"))).ToArray();
        int crashed = crashes.Length;
        // What a failing run must show: the crashes, and the server's error lines (the log is deleted with the server).
        string[] evidence = [.. crashes.Take(10), .. log.Where(l => l.Contains("error")).Take(10)];
        int killedLogged = log.Count(l => l.StartsWith("child ") && (l.EndsWith("(SIGTERM)") || l.EndsWith("(SIGKILL)")));
        return new Report
        {
            Requested = options.Connections,
            QuietRequested = options.QuietConnections,
            Clients = options.Clients,
            KillEveryMs = options.KillEveryMs,
            Completed = Interlocked.Read(ref _done),
            Seconds = seconds,
            KillSeconds = killSeconds,
            QuietSeconds = quietSeconds,
            IoTimeoutSeconds = options.IoTimeoutSeconds,
            Kill = _kill,
            Quiet = _quiet,
            TermKills = _termKills,
            KillKills = _killKills,
            UnmarkedKills = _unmarkedKills,
            KilledLogged = killedLogged,
            Crashed = crashed,
            Evidence = evidence,
            Hung = hung,
            Zombies = zombies,
            FdStart = fdStart,
            FdEnd = fdEnd,
            RssStartKb = rssStart,
            RssAfter1000Kb = _rssAfter1000,
            RssEndKb = rssEnd,
            ParentAlive = parentAlive,
            Stop = stop,
        };
    }

    private void RunClients(Phase phase, int connections, long deadline)
    {
        Interlocked.Exchange(ref _next, 0);
        var clients = Enumerable.Range(0, options.Clients)
            .Select(i => new Thread(() => Client(i + 1, phase, connections, deadline)) { IsBackground = true }).ToList();
        clients.ForEach(t => t.Start());
        clients.ForEach(t => t.Join());
    }

    /// <summary>Until only the resident children are left (none for fork; --workers, all replaced, for prefork).</summary>
    private void WaitForNoChildren(int timeoutMs)
    {
        long deadline = Environment.TickCount64 + timeoutMs;
        while (server.Children().Length > options.ResidentChildren && Environment.TickCount64 < deadline) Thread.Sleep(20);
    }

    private void Client(int seed, Phase phase, int connections, long deadline)
    {
        var rnd = new Random(seed + (phase == _quiet ? 1000 : 0));
        byte[] payload = new byte[options.MaxPayload];
        byte[] echo = new byte[options.MaxPayload + 1];
        long n;
        while ((n = Interlocked.Increment(ref _next)) <= connections && Environment.TickCount64 < deadline)
        {
            Connection(rnd, payload, echo, phase, sabotaged: n == 1 && phase == SabotagedPhase);
            long done = Interlocked.Increment(ref _done);
            if (done == 1000) Interlocked.Exchange(ref _rssAfter1000, ProcFs.RssKb(server.Pid));
        }
    }

    /// <summary>
    /// --sabotage, to prove the verdict can fail, every time: the first connection of the
    /// kill phase ('kill') has its child killed by someone else, who records nothing, and the
    /// first of the quiet phase ('stop') has its child stopped, a hang.
    /// </summary>
    private Phase? SabotagedPhase => options.Sabotage switch { "kill" => _kill, "stop" => _quiet, _ => null };

    /// <summary>One connection: a random payload out, the same bytes back, then EOF.</summary>
    private void Connection(Random rnd, byte[] payload, byte[] echo, Phase phase, bool sabotaged = false)
    {
        int len = rnd.Next(1, payload.Length + 1);
        rnd.NextBytes(payload.AsSpan(0, len));
        long start = Stopwatch.GetTimestamp();
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)
        {
            ReceiveTimeout = options.IoTimeoutSeconds * 1000,
            SendTimeout = options.IoTimeoutSeconds * 1000,
        };
        try
        {
            s.Connect(new IPEndPoint(IPAddress.Loopback, server.Port));
        }
        catch (SocketException)
        {
            Interlocked.Increment(ref phase.ConnectFailures);
            return;
        }
        int port = ((IPEndPoint)s.LocalEndPoint!).Port;
        // Before the killer knows the connection, so that it cannot claim the sabotaged child.
        int sabotagedChild = sabotaged ? Sabotage(port) : -1;
        // Known to the killer from here on: it kills only children whose connection it can find.
        var conn = new Conn();
        _live[port] = conn;
        try
        {
            Outcome outcome = Exchange(s, payload.AsSpan(0, len), echo);
            long ms = (long)Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            phase.Note(ms);
            if (outcome != Outcome.TimedOut && ms > options.IoTimeoutSeconds * 1000L)
                Interlocked.Increment(ref phase.Slow); // a hang, even if it ended
            switch (outcome)
            {
                case Outcome.Ok:
                    Interlocked.Increment(ref phase.Ok);
                    break;
                case Outcome.Cut when conn.Killed:
                    Interlocked.Increment(ref phase.Cut);
                    break;
                case Outcome.Cut:
                    Interlocked.Increment(ref phase.Unattributed);
                    break;
                case Outcome.Mismatch:
                    Interlocked.Increment(ref phase.Mismatch);
                    break;
                case Outcome.TimedOut:
                    Interlocked.Increment(ref phase.Timeouts);
                    break;
            }
        }
        finally
        {
            _live.TryRemove(new KeyValuePair<int, Conn>(port, conn)); // before the socket closes: the port stays ours until then
            if (sabotagedChild >= 0)
            {
                if (options.Sabotage == "stop" && LibC.pidfd_send_signal(sabotagedChild, SIGKILL) == 0) // its hang was seen
                    Interlocked.Increment(ref _unmarkedKills);
                LibC.close(sabotagedChild);
            }
        }
    }

    private enum Outcome { Ok, Cut, Mismatch, TimedOut }

    private static Outcome Exchange(Socket s, ReadOnlySpan<byte> payload, byte[] echo)
    {
        int got = 0;
        try
        {
            s.Send(payload, SocketFlags.None);
            s.Shutdown(SocketShutdown.Send);
            for (;;)
            {
                int n = s.Receive(echo, got, echo.Length - got, SocketFlags.None);
                if (n == 0) break;
                got += n;
                if (got == echo.Length) break; // more than was sent: a mismatch, below
            }
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
        {
            return Outcome.TimedOut;
        }
        catch (SocketException)
        {
            // ECONNRESET or EPIPE: the child died under us. Check what did arrive.
            return echo.AsSpan(0, got).SequenceEqual(payload[..Math.Min(got, payload.Length)]) ? Outcome.Cut : Outcome.Mismatch;
        }
        if (got > payload.Length || !echo.AsSpan(0, got).SequenceEqual(payload[..got])) return Outcome.Mismatch;
        return got < payload.Length ? Outcome.Cut : Outcome.Ok; // EOF early: the child died
    }

    /// <summary>
    /// Every few milliseconds, SIGTERM or SIGKILL (in turn) to a random running child caught
    /// serving a connection of ours, which is marked cut. A pre-forked child idle in accept()
    /// is left alone: killing it would race with its next accept() and cut a connection no
    /// kill was recorded for (DesignTests kill idle ones).
    /// </summary>
    private void Killer()
    {
        if (options.KillEveryMs == 0) return;
        var rnd = new Random(42);
        bool term = true;
        while (!_stopKiller)
        {
            Thread.Sleep(options.KillEveryMs);
            // Children live a millisecond or so: look until one is caught serving a known connection.
            bool killed = false;
            while (!_stopKiller && !killed)
            {
                int[] kids = server.Children().Where(k => ProcFs.State(k) is not ('Z' or '?')).ToArray();
                if (kids.Length == 0)
                {
                    Thread.Sleep(1);
                    continue;
                }
                killed = KillAttributed(kids[rnd.Next(kids.Length)], term ? SIGTERM : SIGKILL);
            }
            if (!killed) continue;
            if (term) Interlocked.Increment(ref _termKills);
            else Interlocked.Increment(ref _killKills);
            term = !term;
        }
    }

    /// <summary>
    /// Kills pid if it is the server's child serving a connection of ours, marking that
    /// connection first. Through a pidfd: the child's connection is read with pidfd_getfd +
    /// getpeername, and the signal cannot reach a later process that reused the pid.
    /// </summary>
    private bool KillAttributed(int pid, int sig)
    {
        int pidfd = LibC.pidfd_open(pid, 0);
        if (pidfd < 0) return false;
        try
        {
            // The parent, read after pidfd_open, is the pidfd's process's while that is not reaped.
            if (ProcFs.ParentOf(pid) != server.Pid || LibC.pidfd_send_signal(pidfd, 0) < 0) return false;
            // Stopped while it is looked at: a pre-forked child serves one connection after
            // another, and one that moved on between the look and the kill would lose a
            // connection no kill was recorded for. Stopped, it holds what it holds (a
            // connection accept() has just given it included) until the signal.
            if (!Freeze(pid, pidfd)) return false;
            bool sent = false;
            try
            {
                int port = ChildSocket.PeerPort(pid, pidfd);
                if (port <= 0 || !_live.TryGetValue(port, out Conn? conn)) return false;
                conn.Killed = true;
                sent = LibC.pidfd_send_signal(pidfd, sig) == 0;
                if (!sent) conn.Killed = false; // it was reaped first: it cut nothing
                return sent;
            }
            finally
            {
                LibC.pidfd_send_signal(pidfd, SIGCONT); // a SIGTERM is delivered now
            }
        }
        finally
        {
            LibC.close(pidfd);
        }
    }

    /// <summary>SIGSTOP, then waits (50 ms at most) until the child is stopped; false if it is gone or will not stop.</summary>
    private static bool Freeze(int pid, int pidfd)
    {
        if (LibC.pidfd_send_signal(pidfd, SIGSTOP) < 0) return false;
        long deadline = Environment.TickCount64 + 50;
        for (;;)
        {
            char state = ProcFs.State(pid);
            if (state == 'T') return true;
            if (state is 'Z' or '?' || Environment.TickCount64 > deadline)
            {
                LibC.pidfd_send_signal(pidfd, SIGCONT);
                return false;
            }
            Thread.SpinWait(100);
        }
    }

    /// <summary>
    /// --sabotage: before the client at port sends anything, the child serving it is killed
    /// (kill: SIGKILL, unrecorded) or stopped (stop: SIGSTOP), and is seen dead or stopped, so
    /// that its connection is certainly cut or hung. Returns a pidfd of that child (the caller
    /// kills it once the connection is over), or -1 if none was found within 5 s: the run then
    /// passes, which the test of the sabotage reports.
    /// </summary>
    private int Sabotage(int port)
    {
        bool kill = options.Sabotage == "kill";
        long deadline = Environment.TickCount64 + 5000;
        while (Environment.TickCount64 < deadline)
        {
            foreach (int pid in server.Children())
            {
                int pidfd = LibC.pidfd_open(pid, 0);
                if (pidfd < 0) continue;
                if (ProcFs.ParentOf(pid) == server.Pid && ChildSocket.PeerPort(pid, pidfd) == port
                    && LibC.pidfd_send_signal(pidfd, kill ? SIGKILL : SIGSTOP) == 0)
                {
                    if (Wait.Until(() => ProcFs.State(pid) is var st && (kill ? st is 'Z' or '?' : st == 'T'), 5000, 1))
                    {
                        if (kill) Interlocked.Increment(ref _unmarkedKills);
                        return pidfd;
                    }
                }
                LibC.close(pidfd);
            }
            Thread.Sleep(1);
        }
        Console.Error.WriteLine($"unp-stress: --sabotage {options.Sabotage}: no child was found serving port {port}");
        return -1;
    }

    private void Progress(Stopwatch sw)
    {
        long last = 0;
        while (true)
        {
            Thread.Sleep(5000);
            long done = Interlocked.Read(ref _done);
            if (done >= options.Connections + options.QuietConnections) return;
            Console.Error.WriteLine($"  {sw.Elapsed.TotalSeconds,6:F0} s  {done,7} connections  ({(done - last) / 5} /s)  children {server.Children().Length}  RSS {ProcFs.RssKb(server.Pid) / 1024.0:F1} MB");
            last = done;
        }
    }
}

/// <summary>What the connections of one phase came to.</summary>
public sealed class Phase
{
    public long Ok, Cut, Unattributed, Mismatch, Timeouts, ConnectFailures, Slow, MaxMs;

    public long Completed => Ok + Cut + Unattributed + Mismatch + Timeouts + ConnectFailures;

    public void Note(long ms)
    {
        long max;
        while (ms > (max = Interlocked.Read(ref MaxMs)) && Interlocked.CompareExchange(ref MaxMs, ms, max) != max) { }
    }
}
