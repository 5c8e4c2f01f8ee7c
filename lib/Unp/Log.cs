// UNP lib/error.c, for processes that fork: each message is built in a fixed buffer and
// written with one write(2), so lines from the parent and its children never interleave
// (O_APPEND, under PIPE_BUF bytes) and a forked child logs without allocating.
using System.Text;
using UnpServers.Interop;

namespace UnpServers.Unp;

public static class Log
{
    /// <summary>Where information lines go: stdout, or the --log file.</summary>
    public static int InfoFd { get; set; } = 1;

    /// <summary>Where error lines go: stderr, or the --log file.</summary>
    public static int ErrorFd { get; set; } = 2;

    // One line buffer for the process. The parent never forks in the middle of a line,
    // so a child starts with it unused.
    private static readonly LogLine Current = new(1024);

    /// <summary>Starts a line (the previous one is discarded).</summary>
    public static LogLine Line() => Current.Clear();

    public static void Info(LogLine line) => line.WriteTo(InfoFd);

    public static void Error(LogLine line) => line.WriteTo(ErrorFd);

    /// <summary>For start-up and other moments where allocation does not matter.</summary>
    public static void Info(string message) => Info(Line().Add(message));

    public static void Error(string message) => Error(Line().Add(message));

    /// <summary>Logs "what: strerror (ENAME)" as an error and returns 1, the failing exit status.</summary>
    public static int ErrorAndFail(string what, int errnum)
    {
        Error(Line().Add(what).AddErrno(errnum));
        return 1;
    }
}

/// <summary>A line being built in a fixed buffer; a too-long line is cut, never overflows.</summary>
public sealed class LogLine(int capacity)
{
    private readonly byte[] _buf = new byte[capacity];
    private int _len;

    public LogLine Clear()
    {
        _len = 0;
        return this;
    }

    public LogLine Add(scoped ReadOnlySpan<byte> text)
    {
        int n = Math.Min(text.Length, _buf.Length - 1 - _len);
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

    /// <summary>Encodes straight into the buffer; for the parent only.</summary>
    public LogLine Add(string text)
    {
        if (Encoding.UTF8.GetByteCount(text) <= _buf.Length - 1 - _len) _len += Encoding.UTF8.GetBytes(text, _buf.AsSpan(_len));
        return this;
    }

    public void WriteTo(int fd)
    {
        _buf[_len] = (byte)'\n';
        Io.Writen(fd, _buf.AsSpan(0, _len + 1));
    }

    public ReadOnlySpan<byte> Text => _buf.AsSpan(0, _len);
}
