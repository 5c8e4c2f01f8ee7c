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

    private static byte[]? s_path;
    private static int s_fileFd = -1;

    /// <summary>The --log file's descriptor, or -1. An exec'd child (--exec) inherits it as its stderr.</summary>
    public static int FileFd => s_fileFd;

    /// <summary>
    /// --log FILE: every line, information and errors, is appended to FILE from now on.
    /// The path is bytes, as the user typed it: a name that is not UTF-8 names the same file.
    /// </summary>
    public static void OpenFile(byte[] path)
    {
        int fd = OpenAppend(path);
        if (fd < 0) throw new UnpException("open", Errno.Last, $"open error for {Encoding.UTF8.GetString(path)}: {Errno.Describe(Errno.Last)}");
        (s_path, s_fileFd) = (path, fd);
        InfoFd = ErrorFd = fd;
    }

    /// <summary>
    /// SIGHUP after logrotate moved the file: open it again under its name, on the same
    /// descriptor number. Returns false (and logs why) if there is no file or it cannot be opened.
    /// </summary>
    public static bool ReopenFile()
    {
        if (s_path == null) return false;
        int fd = OpenAppend(s_path);
        if (fd < 0)
        {
            Error($"open error for {Encoding.UTF8.GetString(s_path)}: {Errno.Describe(Errno.Last)}");
            return false;
        }
        LibC.dup2(fd, s_fileFd);
        LibC.fcntl(s_fileFd, LibC.F_SETFD, LibC.FD_CLOEXEC); // dup2 cleared it on the copy
        LibC.close(fd);
        return true;
    }

    /// <summary>Discards every line: under inetd, stderr is the client's connection.</summary>
    public static void Discard()
    {
        int fd = LibC.open("/dev/null\0"u8, LibC.O_WRONLY | LibC.O_CLOEXEC, 0);
        if (fd >= 0) InfoFd = ErrorFd = fd;
    }

    private static int OpenAppend(byte[] path)
        => LibC.open([.. path, 0], LibC.O_WRONLY | LibC.O_CREAT | LibC.O_APPEND | LibC.O_CLOEXEC, 0x1a4 /* 0644 */);

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
