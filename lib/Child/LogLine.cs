// UNP lib/error.c's message buffer, for a child that may not allocate (R4): a line built in
// place, in a buffer the parent made before it forked.
using System.Buffers;
using System.Text.Unicode;

namespace UnpServers.Unp;

/// <summary>
/// A line being built in a fixed buffer. A line too long for it is cut, at a character
/// boundary, and ends with " [cut]": it never overflows and is never dropped.
/// </summary>
public sealed class LogLine
{
    private static ReadOnlySpan<byte> CutMarker => " [cut]"u8;

    private readonly byte[] _buf;
    private int _len;

    [BeforeFork]
    public LogLine(int capacity) => _buf = new byte[capacity];
    private bool _cut;

    // Room left for text: the marker and the newline always fit after it.
    private int Room => _buf.Length - CutMarker.Length - 1 - _len;

    public LogLine Clear()
    {
        _len = 0;
        _cut = false;
        return this;
    }

    public LogLine Add(scoped ReadOnlySpan<byte> text)
    {
        if (_cut) return this;
        int n = text.Length;
        if (n > Room)
        {
            n = Room;
            while (n > 0 && (text[n] & 0xC0) == 0x80) n--; // not inside a UTF-8 sequence
            _cut = true;
        }
        text[..n].CopyTo(_buf.AsSpan(_len));
        _len += n;
        return this;
    }

    public LogLine Add(long value)
    {
        Span<byte> digits = stackalloc byte[20];
        int i = digits.Length;
        bool negative = value < 0;
        ulong v = negative ? (ulong)(-(value + 1)) + 1 : (ulong)value;
        do
        {
            digits[--i] = (byte)('0' + (int)(v % 10));
            v /= 10;
        } while (v != 0);
        if (negative) digits[--i] = (byte)'-';
        return Add(digits[i..]);
    }

    /// <summary>"Connection reset by peer (ECONNRESET)"</summary>
    public LogLine AddErrno(int errnum) => Add(Errno.Text(errnum));

    /// <summary>Encodes straight into the buffer, as much as fits, whole characters only.</summary>
    public LogLine Add(string text)
    {
        if (_cut) return this;
        if (Utf8.FromUtf16(text, _buf.AsSpan(_len, Room), out _, out int written) == OperationStatus.DestinationTooSmall)
            _cut = true;
        _len += written;
        return this;
    }

    public void WriteTo(int fd) => Log.Write(fd, Terminated());

    /// <summary>The line as written: the text, the marker if it was cut, and the newline.</summary>
    internal ReadOnlySpan<byte> Terminated()
    {
        int len = _len;
        if (_cut)
        {
            CutMarker.CopyTo(_buf.AsSpan(len));
            len += CutMarker.Length;
        }
        _buf[len++] = (byte)'\n';
        return _buf.AsSpan(0, len);
    }

    public ReadOnlySpan<byte> Text => _buf.AsSpan(0, _len);
}
