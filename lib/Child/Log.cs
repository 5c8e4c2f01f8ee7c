// UNP lib/error.c, for processes that fork: each message is built in a fixed buffer and
// written with one write(2), so lines from the parent and its children never interleave
// (O_APPEND, under PIPE_BUF bytes) and a forked child logs without allocating.
using System.Buffers;
using System.Text.Unicode;
using UnpServers.Interop;

namespace UnpServers.Unp;

public static class Log
{
    /// <summary>Where information lines go: stdout, or the --log file.</summary>
    public static int InfoFd { get; set; } = Stdio.Out;

    /// <summary>Where error lines go: stderr, or the --log file.</summary>
    public static int ErrorFd { get; set; } = Stdio.Err;

    /// <summary>
    /// Where the first failure to write a log line is reported: stderr, or nowhere (-1) when
    /// stderr is closed or is the client's connection (inetd).
    /// </summary>
    public static int ReportFd { get; set; } = Stdio.Err;

    // One line buffer per thread: the thread designs (UNP 30.10-30.12) log from every
    // thread, and each thread they start calls AttachThread first. A forking server has one
    // thread, which made its buffer here, before the first fork, and never forks in the
    // middle of a line, so a child starts with it made and unused (R4).
    [ThreadStatic] private static LogLine? t_current;

    private const int LineSize = 1024;

    static Log() => t_current = new LogLine(LineSize);

    /// <summary>A thread that will log gets its own line buffer: call first thing in the thread.</summary>
    [BeforeFork]
    public static void AttachThread() => t_current ??= new LogLine(LineSize);

    // The report of a failed write, built in its own buffer: the line buffer holds the line that failed.
    private static readonly LogLine Report = new(256);

    private static long s_lost;
    private static int s_reported;

    /// <summary>Lines this process could not write (full disk, closed descriptor); the stats line shows them.</summary>
    public static long LostLines => Interlocked.Read(ref s_lost);

    /// <summary>Starts a line (the previous one of this thread is discarded).</summary>
    public static LogLine Line() => t_current!.Clear();

    public static void Info(LogLine line) => line.WriteTo(InfoFd);

    public static void Error(LogLine line) => line.WriteTo(ErrorFd);

    /// <summary>
    /// Writes one whole line, or nothing. A server must go on serving when its log cannot be
    /// written (full disk), so a failure is counted, reported once on stderr, and a part
    /// already written is taken back: the next line starts on a line of its own. A parent that
    /// relays its children's lines writes theirs first (DrainRelay).
    /// </summary>
    internal static void Write(int fd, ReadOnlySpan<byte> line)
    {
        if (s_relayRead >= 0) DrainRelay();
        WriteLines(fd, line, 1);
    }

    /// <param name="lines">How many lines text holds: the count of lines lost if it cannot be written.</param>
    private static void WriteLines(int fd, ReadOnlySpan<byte> line, int lines)
    {
        int done = 0;
        while (done < line.Length)
        {
            nint n = LibC.write(fd, line[done..]);
            if (n > 0)
            {
                done += (int)n; // a short write: on a disk that just filled, the rest fails with ENOSPC
                continue;
            }
            int err = n < 0 ? Errno.Last : LibC.ENOSPC;
            if (err == LibC.EINTR) continue; // UNP 5.9
            if (done > 0) TakeBack(fd, done);
            Lost(fd, err, lines);
            return;
        }
    }

    /// <summary>
    /// ftruncate(2) away the first part of a line that could not be written whole. Only for a
    /// file (a pipe writes a line under PIPE_BUF whole or not at all), and only while the file
    /// still ends where our write left it: another process may have appended since.
    /// </summary>
    private static void TakeBack(int fd, int written)
    {
        long end = LibC.lseek(fd, 0, LibC.SEEK_CUR); // after an O_APPEND write: the end of our part
        if (end < written) return;                    // ESPIPE: not a file
        if (LibC.lseek(fd, 0, LibC.SEEK_END) != end) return;
        if (LibC.ftruncate(fd, end - written) == 0)
            LibC.lseek(fd, end - written, LibC.SEEK_SET); // without O_APPEND (stdout > file), the next line starts there, not after a hole
    }

    private static void Lost(int fd, int err, int lines)
    {
        Interlocked.Add(ref s_lost, lines);
        if (Interlocked.Exchange(ref s_reported, 1) != 0) return; // once, whichever thread fails first
        if (ReportFd < 0 || ReportFd == fd) return; // nowhere else to say it
        Report.Clear().Add("log write error: "u8).AddErrno(err)
              .Add("; lines that cannot be written are counted in the stats line (log lines lost)"u8);
        Io.Writen(ReportFd, Report.Terminated());
    }

    /// <summary>The --log file's descriptor, or -1. An exec'd child (--exec) inherits it as its stderr.</summary>
    public static int FileFd { get; private set; } = -1;

    /// <summary>The --log file's path, NUL-terminated, as the user typed it; empty without one.</summary>
    private static byte[] s_path = [];

    /// <summary>From now on every line, information and errors, goes to fd, the file at path (NUL-terminated).</summary>
    [BeforeFork]
    public static void UseFile(int fd, byte[] path)
    {
        (FileFd, s_path) = (fd, path);
        InfoFd = ErrorFd = fd;
    }

    /// <summary>
    /// SIGHUP after logrotate moved the file: open it again under its name, on the same
    /// descriptor number. 0, or the errno of the open (-1 without a file). Allocation-free.
    /// The children's lines that came before it go to the old file, as they would have.
    /// </summary>
    public static int ReopenFile()
    {
        if (FileFd < 0) return -1;
        DrainRelay();
        int fd = OpenAppend(s_path);
        if (fd < 0) return Errno.Last;
        LibC.dup2(fd, FileFd);
        LibC.fcntl(FileFd, LibC.F_SETFD, LibC.FD_CLOEXEC); // dup2 cleared it on the copy
        LibC.close(fd);
        return 0;
    }

    // The relay, for --log with pre-forked children (UNP 30.6-30.9): their lines reach the file
    // through the parent, as a daemon's reach syslogd. A child writes each line, whole (a line
    // is under PIPE_BUF, so the pipe takes it in one piece), into a pipe; the parent copies them
    // to the file before each line of its own and whenever its loop finds the pipe readable.
    // Only the parent holds the file, so SIGHUP's reopen moves every line at once and no child
    // keeps a rotated file open. A child that reopened it itself would have to be woken first,
    // and an idle one waits where nothing wakes it: in accept(), in fcntl(F_SETLKW), in a robust
    // mutex (glibc restarts its futex wait after a signal).
    private static int s_relayRead = -1, s_relayWrite = -1;
    private static byte[] s_relayBuffer = [];

    /// <summary>The relay's end the parent reads, to poll; -1 when there is none.</summary>
    public static int RelayFd => s_relayRead;

    /// <summary>
    /// In the parent, with --log, before it forks its pre-forked children: the pipe their lines
    /// will come through. False with errno if pipe2 fails (the children then write the file).
    /// </summary>
    [BeforeFork]
    public static bool StartRelay()
    {
        if (FileFd < 0 || s_relayRead >= 0) return true;
        if (LibC.pipe2(out int r, out int w, LibC.O_CLOEXEC) < 0) return false;
        LibC.fcntl(r, LibC.F_SETFL, LibC.O_NONBLOCK);
        // Room for a burst of lines while the parent is busy (1 MiB is pipe-max-size's default);
        // a buffer as large as the pipe reads everything in it, whole lines only.
        LibC.fcntl(w, LibC.F_SETPIPE_SZ, 1 << 20);
        int size = LibC.fcntl(w, LibC.F_GETPIPE_SZ, 0);
        s_relayBuffer = new byte[size > 0 ? size : 65536];
        (s_relayRead, s_relayWrite) = (r, w);
        return true;
    }

    /// <summary>
    /// In a pre-forked child, first thing (signals still blocked), before the prologue keeps
    /// FileFd and closes the rest: the log's descriptor becomes the relay's pipe, and the file
    /// is closed.
    /// </summary>
    public static void UseRelay()
    {
        if (s_relayWrite < 0) return;
        LibC.dup2(s_relayWrite, FileFd); // every line of this child now goes into the pipe
        LibC.close(s_relayRead);
        LibC.close(s_relayWrite);
        s_relayRead = s_relayWrite = -1;
    }

    /// <summary>In the parent: copies to the file what the children have written into the relay. Allocation-free.</summary>
    public static void DrainRelay()
    {
        if (s_relayRead < 0) return;
        for (;;)
        {
            nint n = LibC.read(s_relayRead, s_relayBuffer);
            if (n < 0 && Errno.Last == LibC.EINTR) continue;
            if (n <= 0) return; // EAGAIN: empty
            ReadOnlySpan<byte> lines = s_relayBuffer.AsSpan(0, (int)n);
            WriteLines(FileFd, lines, lines.Count((byte)'\n'));
            if (n < s_relayBuffer.Length) return;
        }
    }

    /// <param name="path">NUL-terminated.</param>
    public static int OpenAppend(ReadOnlySpan<byte> path)
        => LibC.open(path, LibC.O_WRONLY | LibC.O_CREAT | LibC.O_APPEND | LibC.O_CLOEXEC, 0x1a4 /* 0644 */);

    /// <summary>Logs "what: strerror (ENAME)" as an error and returns 1, the failing exit status.</summary>
    public static int ErrorAndFail(string what, int errnum)
    {
        Error(Line().Add(what).AddErrno(errnum));
        return 1;
    }
}

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
