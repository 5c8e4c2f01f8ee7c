namespace UnpServers.Tests.Support;

/// <summary>
/// What a test does on its side of a connection (Loopback.Connect opens one): a line and its
/// echo, a round trip, a read to EOF, a reset. Not lib/Clients' EchoClient, which is echocli.
/// </summary>
public static class TestSocket
{
    /// <summary>
    /// Sends data while reading the echo (so neither side's buffers fill and stall),
    /// half-closes, and returns everything read up to the server's FIN.
    /// </summary>
    public static byte[] RoundTrip(int port, byte[] data, int timeoutMs = 30000)
    {
        using var s = Loopback.Connect(port, timeoutMs: timeoutMs);
        var sender = Task.Run(() =>
        {
            for (int off = 0; off < data.Length;)
                off += s.Send(data, off, Math.Min(65536, data.Length - off), SocketFlags.None);
            s.Shutdown(SocketShutdown.Send);
        });
        byte[] got = ReadToEnd(s, data.Length);
        Assert.That(sender.Wait(timeoutMs), Is.True, "sending did not finish in time");
        return got;
    }

    /// <summary>Reads until EOF; fails the test on a time-out.</summary>
    public static byte[] ReadToEnd(Socket s, int expected = 0)
    {
        var ms = new MemoryStream(expected);
        var buf = new byte[65536];
        for (;;)
        {
            int n = s.Receive(buf);
            if (n == 0) return ms.ToArray();
            ms.Write(buf, 0, n);
        }
    }

    /// <summary>Reads exactly n bytes (or fewer if EOF comes first).</summary>
    public static byte[] ReadExactly(Socket s, int n)
    {
        var buf = new byte[n];
        int got = 0;
        while (got < n)
        {
            int r = s.Receive(buf, got, n - got, SocketFlags.None);
            if (r == 0) break;
            got += r;
        }
        return buf[..got];
    }

    /// <summary>Sends a line and reads back its echo.</summary>
    public static string Line(Socket s, string line)
    {
        byte[] bytes = System.Text.Encoding.ASCII.GetBytes(line + "\n");
        s.Send(bytes);
        return System.Text.Encoding.ASCII.GetString(ReadExactly(s, bytes.Length));
    }

    /// <summary>Closes with SO_LINGER {1, 0}: the peer gets a RST, not a FIN (UNP 7.5).</summary>
    public static void Reset(Socket s)
    {
        s.LingerState = new LingerOption(true, 0);
        s.Close();
    }
}
