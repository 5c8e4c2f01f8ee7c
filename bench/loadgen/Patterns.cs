using System.Diagnostics;
using System.Net.Sockets;

namespace UnpServers.Bench;

/// <summary>The load patterns. Every byte that comes back is checked; a wrong one stops the bench.</summary>
public static class Patterns
{
    private static readonly byte[] Payload64 = Enumerable.Range(0, 64).Select(i => (byte)(i * 7 + 1)).ToArray();

    /// <summary>16 clients, each: connect, 64-byte echo, close, for a fixed time. Returns connections made, conn/s and latency percentiles (ms).</summary>
    public static (int Count, double PerSecond, double P50Ms, double P99Ms) ConnectionRate(int port, int clients, int seconds)
    {
        var latencies = new List<double>[clients];
        long deadline = Environment.TickCount64 + seconds * 1000L;
        var sw = Stopwatch.StartNew();
        var threads = Enumerable.Range(0, clients).Select(i => Client(() =>
        {
            var mine = latencies[i] = new List<double>(100_000);
            var buf = new byte[64];
            while (Environment.TickCount64 < deadline)
            {
                long t0 = Stopwatch.GetTimestamp();
                using (var s = Server.Connect(port))
                {
                    s.Send(Payload64);
                    ReadExactly(s, buf);
                    if (!buf.AsSpan().SequenceEqual(Payload64)) throw new InvalidDataException("connection rate: wrong echo");
                }
                mine.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }
        })).ToList();
        threads.ForEach(t => t.Join());
        double elapsed = sw.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return (all.Length, all.Length / elapsed, Stats.Percentile(all, 0.50), Stats.Percentile(all, 0.99));
    }

    /// <summary>One connection, size-byte ping-pong. Returns RTT percentiles in microseconds.</summary>
    public static (double P50Us, double P99Us) RoundTrip(int port, int size, int iterations)
    {
        byte[] ping = Payload64[..size], pong = new byte[size];
        var rtts = new double[iterations];
        using var s = Server.Connect(port);
        for (int i = -500; i < iterations; i++) // 500 warm-up exchanges
        {
            long t0 = Stopwatch.GetTimestamp();
            s.Send(ping);
            ReadExactly(s, pong);
            if (i >= 0) rtts[i] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
            if (!pong.AsSpan().SequenceEqual(ping)) throw new InvalidDataException("round trip: wrong echo");
        }
        Array.Sort(rtts);
        return (Stats.Percentile(rtts, 0.50), Stats.Percentile(rtts, 0.99));
    }

    /// <summary>One connection streaming mib MiB in and out at the same time. Returns MB/s (10^6 bytes) one way.</summary>
    public static double Bulk(int port, int mib)
    {
        // A pattern whose length is prime, so that a block out of place cannot look right.
        var pattern = new byte[1_048_573];
        new Random(7).NextBytes(pattern);
        long total = (long)mib << 20;
        using var s = Server.Connect(port);
        s.SendBufferSize = s.ReceiveBufferSize = 1 << 20;
        var sw = Stopwatch.StartNew();
        var sender = Client(() =>
        {
            long sent = 0;
            while (sent < total)
            {
                int off = (int)(sent % pattern.Length);
                int n = (int)Math.Min(Math.Min(pattern.Length - off, 256 << 10), total - sent);
                sent += s.Send(pattern, off, n, SocketFlags.None);
            }
            s.Shutdown(SocketShutdown.Send);
        });
        var buf = new byte[256 << 10];
        long got = 0;
        for (;;)
        {
            int n = s.Receive(buf);
            if (n == 0) break;
            for (int done = 0; done < n;)
            {
                int off = (int)((got + done) % pattern.Length);
                int len = Math.Min(n - done, pattern.Length - off);
                if (!buf.AsSpan(done, len).SequenceEqual(pattern.AsSpan(off, len))) throw new InvalidDataException($"bulk: wrong byte near {got + done}");
                done += len;
            }
            got += n;
        }
        sender.Join();
        double seconds = sw.Elapsed.TotalSeconds;
        if (got != total) throw new InvalidDataException($"bulk: {got} bytes back of {total}");
        return total / seconds / 1e6;
    }

    /// <summary>
    /// count connections open at once, each echoing a line. Returns the median private
    /// memory of a child and the parent's, in KiB (smaps_rollup: Private_Clean + Private_Dirty).
    /// </summary>
    public static (double ChildKiB, double ParentKiB) Held(Server server, int count)
    {
        var sockets = new List<Socket>(count);
        try
        {
            byte[] line = "held\n"u8.ToArray(), back = new byte[line.Length];
            for (int i = 0; i < count; i++)
            {
                var s = Server.Connect(server.Port);
                sockets.Add(s);
                s.Send(line);
                ReadExactly(s, back);
                if (!back.AsSpan().SequenceEqual(line)) throw new InvalidDataException("held: wrong echo");
            }
            // Every one echoes again while all are open.
            foreach (var s in sockets)
            {
                s.Send(line);
                ReadExactly(s, back);
                if (!back.AsSpan().SequenceEqual(line)) throw new InvalidDataException("held: wrong echo");
            }
            int[] kids = server.Children();
            if (kids.Length < count) throw new BenchException($"held: {kids.Length} children for {count} connections");
            var child = kids.Select(k => (double)Server.PrivateKiB(k)).Order().ToArray();
            return (Stats.Percentile(child, 0.5), Server.PrivateKiB(server.Pid));
        }
        finally
        {
            foreach (var s in sockets) s.Dispose();
        }
    }

    /// <summary>A started thread whose failure (a wrong echo, a reset) is thrown again by Join, in the caller.</summary>
    private static ClientThread Client(Action body) => new(body);

    private sealed class ClientThread
    {
        private readonly Thread _thread;
        private Exception? _failure;

        public ClientThread(Action body)
        {
            _thread = new Thread(() =>
            {
                try { body(); }
                catch (Exception e) { _failure = e; }
            });
            _thread.Start();
        }

        public void Join()
        {
            _thread.Join();
            if (_failure != null) throw _failure;
        }
    }

    private static void ReadExactly(Socket s, byte[] buf)
    {
        for (int got = 0; got < buf.Length;)
        {
            int n = s.Receive(buf, got, buf.Length - got, SocketFlags.None);
            if (n == 0) throw new InvalidDataException("EOF before the whole echo");
            got += n;
        }
    }
}
