using System.Diagnostics;
using System.Net.Sockets;

namespace UnpServers.Bench;

/// <summary>The load patterns. Every byte that comes back is checked; a wrong one stops the bench.</summary>
public static class Patterns
{
    private static readonly byte[] Payload64 = Enumerable.Range(0, 64).Select(i => (byte)(i * 7 + 1)).ToArray();

    /// <summary>16 clients, each: connect, 64-byte echo, close, for a fixed time. Returns conn/s and latency percentiles (ms).</summary>
    public static (double PerSecond, double P50Ms, double P99Ms) ConnectionRate(int port, int clients, int seconds)
    {
        var latencies = new List<double>[clients];
        long deadline = Environment.TickCount64 + seconds * 1000L;
        var sw = Stopwatch.StartNew();
        var threads = Enumerable.Range(0, clients).Select(i => new Thread(() =>
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
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        double elapsed = sw.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return (all.Length / elapsed, Percentile(all, 0.50), Percentile(all, 0.99));
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
        return (Percentile(rtts, 0.50), Percentile(rtts, 0.99));
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
        var sender = new Thread(() =>
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
        sender.Start();
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
            if (kids.Length < count) throw new InvalidOperationException($"held: {kids.Length} children for {count} connections");
            var child = kids.Select(k => (double)Server.PrivateKiB(k)).Order().ToArray();
            return (Percentile(child, 0.5), Server.PrivateKiB(server.Pid));
        }
        finally
        {
            foreach (var s in sockets) s.Dispose();
        }
    }

    /// <summary>A client program sending one line and printing the echo, as a whole process. Returns ms.</summary>
    public static double ClientProcess(string path, int port, bool ours)
    {
        var psi = new ProcessStartInfo(path) { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true };
        foreach (string a in ours ? ["127.0.0.1", "--port", port.ToString()] : new[] { "127.0.0.1", port.ToString() }) psi.ArgumentList.Add(a);
        var sw = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        p.StandardInput.Write("one line\n");
        p.StandardInput.Close();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        double ms = sw.Elapsed.TotalMilliseconds;
        if (output != "one line\n" || p.ExitCode != 0) throw new InvalidDataException($"{path}: exit {p.ExitCode}, output '{output}'");
        return ms;
    }

    /// <summary>From starting the server process to the echo of its first connection, in ms.</summary>
    public static double StartToFirstConnection(string name, string path, int fixedPort)
    {
        var psi = new ProcessStartInfo(path) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in name == "c" ? [fixedPort.ToString()] : new[] { "--port", fixedPort.ToString(), "--log", "/dev/null" }) psi.ArgumentList.Add(a);
        var sw = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        try
        {
            var buf = new byte[1];
            while (sw.ElapsedMilliseconds < 10000)
            {
                try
                {
                    using var s = Server.Connect(fixedPort);
                    s.Send([42]);
                    ReadExactly(s, buf);
                    return sw.Elapsed.TotalMilliseconds;
                }
                catch (SocketException)
                {
                    Thread.Sleep(1);
                }
            }
            throw new TimeoutException($"{path} did not serve within 10 s");
        }
        finally
        {
            Server.KillAndReap(p);
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

    public static double Percentile(double[] sorted, double p)
        => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Floor(p * sorted.Length))];
}
