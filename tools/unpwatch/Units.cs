// Durations as ps and the book print them, short enough for a column: 0.4s, 12.3s, 5m02s, 3h07m, 2d04h.
namespace UnpServers.UnpWatch;

public static class Units
{
    /// <summary>For an event: "0.3 ms", "12.5 ms", else as in a column.</summary>
    public static string Elapsed(double seconds)
        => seconds < 1 ? (seconds * 1000).ToString(seconds < 0.01 ? "0.0" : "0", System.Globalization.CultureInfo.InvariantCulture) + " ms"
                       : Duration(seconds);

    public static string Duration(double seconds)
    {
        Span<char> buf = stackalloc char[16];
        return new string(buf[..Duration(seconds, buf)]);
    }

    /// <summary>Writes the duration into buf (16 chars are enough); returns its length. Allocates nothing.</summary>
    public static int Duration(double seconds, Span<char> buf)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        if (seconds < 0) seconds = 0;
        int n;
        if (seconds < 60) seconds.TryFormat(buf, out n, "0.0", inv);
        else
        {
            long s = (long)seconds;
            (long big, long small, char a, char b) = s < 3600 ? (s / 60, s % 60, 'm', 's')
                                                   : s < 86400 ? (s / 3600, s / 60 % 60, 'h', 'm')
                                                   : (s / 86400, s / 3600 % 24, 'd', 'h');
            big.TryFormat(buf, out n, default, inv);
            buf[n++] = a;
            small.TryFormat(buf[n..], out int m, "00", inv);
            n += m;
            buf[n++] = b;
            return n;
        }
        buf[n++] = 's';
        return n;
    }
}
