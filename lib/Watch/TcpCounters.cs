// The TCP segments this network namespace has sent and received (/proc/net/snmp, RFC 1213's
// tcpInSegs and tcpOutSegs): while they do not change, no connection has changed state, but
// for the silent ones (a TIME_WAIT or a FIN_WAIT_2 timing out, a listener opened or closed).
using System.Buffers.Text;

namespace UnpServers.Watch;

public sealed class TcpCounters : IDisposable
{
    private readonly ProcFile? _snmp = ProcFile.Open("/proc/net/snmp\0"u8.ToArray());
    private readonly byte[] _buf = new byte[4096];

    /// <summary>InSegs + OutSegs now, or -1 if /proc/net/snmp cannot be read.</summary>
    public long Segments()
    {
        int n = _snmp?.Read(_buf) ?? -1;
        if (n <= 0) return -1;
        // Two "Tcp:" lines, the names then the values; InSegs and OutSegs are the 10th and 11th.
        ReadOnlySpan<byte> text = _buf.AsSpan(0, n);
        int names = text.IndexOf("\nTcp: "u8);
        if (names < 0) return -1;
        ReadOnlySpan<byte> rest = text[(names + 1)..];
        int values = rest.IndexOf("\nTcp: "u8);
        if (values < 0) return -1;
        ReadOnlySpan<byte> line = rest[(values + 6)..];
        long sum = 0;
        for (int field = 1; field <= 11 && !line.IsEmpty; field++)
        {
            if (!Utf8Parser.TryParse(line, out long v, out int used)) return -1;
            if (field >= 10) sum += v;
            line = line[Math.Min(line.Length, used + 1)..];
        }
        return sum;
    }

    public void Dispose() => _snmp?.Dispose();
}
