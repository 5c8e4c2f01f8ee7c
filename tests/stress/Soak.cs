using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using UnpServers.Interop;

namespace UnpServers.Stress;

/// <summary>The load, the killer, and the measurements around them.</summary>
public sealed class Soak(Options options, Server server)
{
    private long _next;           // connections handed out
    private long _done;           // connections finished, whatever the outcome
    private long _ok, _cut, _mismatch, _timeouts, _connectFailures;
    private long _termKills, _killKills;
    private volatile bool _stopKiller;
    private long _rssAfter1000 = -1;

    public Report Run()
    {
        // Warm up: the first connection opens nothing new in the parent, but count from a served state.
        Connection(new Random(0), new byte[options.MaxPayload], new byte[options.MaxPayload + 1]);
        Interlocked.Exchange(ref _done, 0);
        Interlocked.Exchange(ref _ok, 0);
        WaitForNoChildren(5000);
        int fdStart = server.FdCount();
        long rssStart = server.RssKb();

        var sw = Stopwatch.StartNew();
        long deadline = Environment.TickCount64 + options.MaxSeconds * 1000L;
        var killer = new Thread(Killer) { IsBackground = true, Name = "killer" };
        killer.Start();
        var clients = Enumerable.Range(0, options.Clients).Select(i => new Thread(() => Client(i + 1, deadline)) { IsBackground = true }).ToList();
        clients.ForEach(t => t.Start());
        var progress = new Thread(() => Progress(sw)) { IsBackground = true };
        progress.Start();
        clients.ForEach(t => t.Join());
        _stopKiller = true;
        killer.Join();
        double seconds = sw.Elapsed.TotalSeconds;

        // Every child should exit as soon as its client is gone; what is still alive is hung.
        WaitForNoChildren(5000);
        int[] left = server.Children();
        int zombies = left.Count(pid => Server.State(pid) == 'Z');
        int hung = left.Length - zombies;
        int fdEnd = server.FdCount();
        long rssEnd = server.RssKb();
        bool parentAlive = !server.HasExited;

        // Children that died other than by our kills, or exited with a failure status.
        var log = server.LogLines();
        int crashed = log.Count(l => l.StartsWith("child ") && l.Contains(" terminated by signal ")
                                     && !l.EndsWith("(SIGTERM)") && !l.EndsWith("(SIGKILL)"))
                      + log.Count(l => l.StartsWith("child ") && l.Contains(" terminated, exit status ") && !l.EndsWith(" exit status 0"));
        int killedLogged = log.Count(l => l.StartsWith("child ") && (l.EndsWith("(SIGTERM)") || l.EndsWith("(SIGKILL)")));

        var stop = server.Stop(5000);
        return new Report
        {
            Requested = options.Connections,
            Clients = options.Clients,
            Completed = Interlocked.Read(ref _done),
            Seconds = seconds,
            Ok = _ok,
            Cut = _cut,
            Mismatch = _mismatch,
            Timeouts = _timeouts,
            ConnectFailures = _connectFailures,
            TermKills = _termKills,
            KillKills = _killKills,
            KilledLogged = killedLogged,
            Crashed = crashed,
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

    private void WaitForNoChildren(int timeoutMs)
    {
        long deadline = Environment.TickCount64 + timeoutMs;
        while (server.Children().Length > 0 && Environment.TickCount64 < deadline) Thread.Sleep(20);
    }

    private void Client(int seed, long deadline)
    {
        var rnd = new Random(seed);
        byte[] payload = new byte[options.MaxPayload];
        byte[] echo = new byte[options.MaxPayload + 1];
        while (Interlocked.Increment(ref _next) <= options.Connections && Environment.TickCount64 < deadline)
        {
            Connection(rnd, payload, echo);
            long done = Interlocked.Increment(ref _done);
            if (done == 1000) Interlocked.Exchange(ref _rssAfter1000, server.RssKb());
        }
    }

    /// <summary>One connection: a random payload out, the same bytes back, then EOF.</summary>
    private void Connection(Random rnd, byte[] payload, byte[] echo)
    {
        int len = rnd.Next(1, payload.Length + 1);
        rnd.NextBytes(payload.AsSpan(0, len));
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
            Interlocked.Increment(ref _connectFailures);
            return;
        }
        int got = 0;
        try
        {
            s.Send(payload, 0, len, SocketFlags.None);
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
            Interlocked.Increment(ref _timeouts);
            return;
        }
        catch (SocketException)
        {
            // ECONNRESET or EPIPE: the child was killed under us. Check what did arrive.
            if (!echo.AsSpan(0, got).SequenceEqual(payload.AsSpan(0, Math.Min(got, len)))) Interlocked.Increment(ref _mismatch);
            else Interlocked.Increment(ref _cut);
            return;
        }
        if (got > len || !echo.AsSpan(0, got).SequenceEqual(payload.AsSpan(0, got))) Interlocked.Increment(ref _mismatch);
        else if (got < len) Interlocked.Increment(ref _cut); // EOF early: the child was killed
        else Interlocked.Increment(ref _ok);
    }

    /// <summary>Every few milliseconds, SIGTERM or SIGKILL (in turn) to a random running child.</summary>
    private void Killer()
    {
        if (options.KillEveryMs == 0) return;
        var rnd = new Random(42);
        bool term = true;
        while (!_stopKiller)
        {
            Thread.Sleep(options.KillEveryMs);
            // Children live a millisecond or so: look until one is caught running.
            int pid = 0;
            while (!_stopKiller && pid == 0)
            {
                int[] kids = server.Children().Where(k => Server.State(k) is not ('Z' or '?')).ToArray();
                if (kids.Length > 0) pid = kids[rnd.Next(kids.Length)];
                else Thread.Sleep(1);
            }
            if (pid == 0 || LibC.kill(pid, term ? LibC.SIGTERM : LibC.SIGKILL) < 0) continue;
            if (term) Interlocked.Increment(ref _termKills);
            else Interlocked.Increment(ref _killKills);
            term = !term;
        }
    }

    private void Progress(Stopwatch sw)
    {
        long last = 0;
        while (true)
        {
            Thread.Sleep(5000);
            long done = Interlocked.Read(ref _done);
            if (done >= options.Connections) return;
            Console.Error.WriteLine($"  {sw.Elapsed.TotalSeconds,6:F0} s  {done,7} connections  ({(done - last) / 5} /s)  children {server.Children().Length}  RSS {server.RssKb() / 1024.0:F1} MB");
            last = done;
        }
    }
}
