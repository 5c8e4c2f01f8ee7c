// UNP 3.9 readline, for the clients (a forked child never reads lines).
namespace UnpServers.Unp;

/// <summary>
/// UNP 3.9 readline: reads a line through a buffer, so one read(2) serves many lines.
/// The state that UNP keeps in static variables lives in this object, one per descriptor.
/// </summary>
public sealed class LineReader(int fd, int bufferSize = 4096)
{
    private readonly byte[] _buf = new byte[bufferSize];
    private int _start, _end;

    /// <summary>
    /// Copies one line, newline included, into line. Returns its length; 0 at EOF; -1 on error.
    /// A line longer than line is returned in pieces of line.Length bytes.
    /// </summary>
    public int Readline(Span<byte> line)
    {
        int n = 0;
        while (n < line.Length)
        {
            if (_start == _end)
            {
                nint r = Io.Read(fd, _buf);
                if (r < 0) return -1;
                if (r == 0) return n; // EOF: what we have, possibly 0
                _start = 0;
                _end = (int)r;
            }
            byte c = _buf[_start++];
            line[n++] = c;
            if (c == (byte)'\n') break;
        }
        return n;
    }
}
