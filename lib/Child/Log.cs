// UNP lib/error.c, for processes that fork: each message is built in a fixed buffer and
// written with one write(2), so lines from the parent and its children never interleave
// (O_APPEND, under PIPE_BUF bytes) and a forked child logs without allocating.
using UnpServers.Interop;

namespace UnpServers.Unp;

public static partial class Log
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
            int err = n < 0 ? Errno.Last : ENOSPC;
            if (err == EINTR) continue; // UNP 5.9
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
        long end = LibC.lseek(fd, 0, SEEK_CUR); // after an O_APPEND write: the end of our part
        if (end < written) return;                    // ESPIPE: not a file
        if (LibC.lseek(fd, 0, SEEK_END) != end) return;
        if (LibC.ftruncate(fd, end - written) == 0)
            LibC.lseek(fd, end - written, SEEK_SET); // without O_APPEND (stdout > file), the next line starts there, not after a hole
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
        LibC.fcntl(FileFd, F_SETFD, FD_CLOEXEC); // dup2 cleared it on the copy
        LibC.close(fd);
        return 0;
    }

    /// <param name="path">NUL-terminated.</param>
    public static int OpenAppend(ReadOnlySpan<byte> path)
        => LibC.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0x1a4 /* 0644 */);

    /// <summary>Logs "what: strerror (ENAME)" as an error and returns 1, the failing exit status.</summary>
    public static int ErrorAndFail(string what, int errnum)
    {
        Error(Line().Add(what).AddErrno(errnum));
        return 1;
    }
}
