// The relay, for --log with pre-forked children (UNP 30.6-30.9): their lines reach the file
// through the parent, as a daemon's reach syslogd. Each child writes each line whole into a
// pipe (under PIPE_BUF, so in one piece); the parent copies them to the file before each line
// of its own and whenever its loop finds the pipe readable. Only the parent holds the file, so
// SIGHUP's reopen moves every line at once and no child keeps a rotated file open: a child
// that reopened it itself would first have to be woken from accept(), F_SETLKW or a robust
// mutex, where nothing wakes it.
using UnpServers.Interop;

namespace UnpServers.Unp;

public static partial class Log
{
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
        if (LibC.pipe2(out int r, out int w, O_CLOEXEC) < 0) return false;
        LibC.fcntl(r, F_SETFL, O_NONBLOCK);
        // Room for a burst of lines while the parent is busy (1 MiB is pipe-max-size's default);
        // a buffer as large as the pipe reads everything in it, whole lines only.
        LibC.fcntl(w, F_SETPIPE_SZ, 1 << 20);
        int size = LibC.fcntl(w, F_GETPIPE_SZ, 0);
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
            if (n < 0 && Errno.Last == EINTR) continue;
            if (n <= 0) return; // EAGAIN: empty
            ReadOnlySpan<byte> lines = s_relayBuffer.AsSpan(0, (int)n);
            WriteLines(FileFd, lines, lines.Count((byte)'\n'));
            if (n < s_relayBuffer.Length) return;
        }
    }
}
