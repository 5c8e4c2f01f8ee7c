// UNP 5.8 tcpcli04: several connections whose server children all exit together, so SIGCHLDs
// arrive together; every line is written before any echo is read. A server whose accept queue
// is full gets the lines of the connections it holds first (docs/design-notes.md says why).
using System.Text;
using UnpServers.Interop;
using UnpServers.Unp;

namespace UnpServers.Clients;

public static class ManyConnections
{
    /// <summary>The most connections -n opens: each is a descriptor here and a child there.</summary>
    public const int Max = 10000;

    public static int Run(string host, int port, int count)
    {
        // A connect that has no answer after StallMs lost its SYN: the server's accept queue is
        // full (backlog + what --max-children serves), and the kernel would send it again only a
        // second later, then 3, 7, 15 s... On loopback an answer takes microseconds.
        const int StallMs = 100, MaxStallMs = 3200;
        const int ConnectTimeoutMs = 127000; // give up as the kernel does (tcp_syn_retries 6)
        var fds = new int[count];
        fds[0] = TcpConnect.Open(host, port); // tcp_connect: the address that answers is the one for the rest
        sockaddr_storage server = default;
        uint len = 128;
        if (LibC.getpeername(fds[0], ref server, ref len) < 0) return Log.ErrorAndFail("getpeername error: ", Errno.Last);
        int sent = 0; // connections [0, sent) have their line and our FIN
        for (int i = 1; i < count; i++)
        {
            long deadline = Environment.TickCount64 + ConnectTimeoutMs;
            for (int waitMs = StallMs; ; waitMs = Math.Min(waitMs * 2, MaxStallMs))
            {
                int fd = LibC.socket(server.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
                if (fd < 0) return Log.ErrorAndFail("socket error: ", Errno.Last);
                int answered = LibC.connect(fd, ref server, len) == 0 ? 1 : Answered(fd, waitMs);
                if (answered < 0) return Log.ErrorAndFail("connect error: ", Errno.Last);
                if (answered > 0)
                {
                    if (!Connected(fd)) return Log.ErrorAndFail("connect error: ", Errno.Last);
                    LibC.fcntl(fd, F_SETFL, LibC.fcntl(fd, F_GETFL, 0) & ~O_NONBLOCK);
                    fds[i] = fd;
                    break;
                }
                LibC.close(fd); // its SYN was dropped: a fresh one now beats the kernel's next try
                if (Environment.TickCount64 > deadline) return Log.ErrorAndFail("connect error: ", ETIMEDOUT);
                // The server serves what it has accepted only once their lines and FINs come:
                // send them, and its children exit and make room for this one.
                if (SendLines(fds, sent, i, count) is int failed and not 0) return failed;
                sent = i;
            }
        }
        if (SendLines(fds, sent, count, count) is int failed2 and not 0) return failed2;

        var line = new byte[256];
        for (int i = 0; i < count; i++)
        {
            int n = new LineReader(fds[i]).Readline(line);
            if (n < 0) return Log.ErrorAndFail("read error: ", Errno.Last);
            if (n == 0) return StrCli.Premature();
            if (Io.Writen(Stdio.Out, line.AsSpan(0, n)) < 0) return Log.ErrorAndFail("write error on stdout: ", Errno.Last);
        }
        foreach (int fd in fds) Sockets.Close(fd);
        return 0;
    }

    /// <summary>
    /// Writes the line of connections [from, to), then half-closes them all at once: as when
    /// tcpcli04 exits and the kernel closes its sockets, the children read their EOFs together.
    /// 0, or the exit status after a write error.
    /// </summary>
    private static int SendLines(int[] fds, int from, int to, int count)
    {
        for (int i = from; i < to; i++)
        {
            byte[] send = Encoding.ASCII.GetBytes($"connection {i + 1} of {count}\n");
            if (Io.Writen(fds[i], send) < 0) return Log.ErrorAndFail("write error: ", Errno.Last);
        }
        for (int i = from; i < to; i++) LibC.shutdown(fds[i], SHUT_WR);
        return 0;
    }

    /// <summary>
    /// After connect() on a non-blocking socket: 1 if it answered within waitMs (connected or
    /// refused: Connected tells), 0 if not; -1 with errno if it failed at once, the socket closed.
    /// </summary>
    private static int Answered(int fd, int waitMs)
    {
        int err = Errno.Last;
        if (err == EINPROGRESS) return Io.WaitWritable(fd, waitMs) == 0 ? 0 : 1;
        LibC.close(fd);
        System.Runtime.InteropServices.Marshal.SetLastPInvokeError(err);
        return -1;
    }

    /// <summary>After a non-blocking connect answered: true if it connected; false with errno (SO_ERROR), the socket closed.</summary>
    private static bool Connected(int fd)
    {
        if (LibC.getsockopt(fd, SOL_SOCKET, SO_ERROR, out int err) < 0) err = Errno.Last;
        if (err == 0) return true;
        LibC.close(fd);
        System.Runtime.InteropServices.Marshal.SetLastPInvokeError(err);
        return false;
    }
}
