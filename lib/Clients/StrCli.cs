// UNP's str_cli, the version that is correct in batch mode: poll() on stdin and the socket
// (strcliselect02, UNP 6.7), shutdown(SHUT_WR) at stdin's EOF, and a non-blocking socket
// (UNP 16.2) so that input is never held back waiting for echoes: with a large file on
// stdin, both directions keep moving and the pipe cannot deadlock.
using UnpServers.Interop;
using UnpServers.Unp;

namespace UnpServers.Clients;

public static class StrCli
{
    // -1 if the process was started with one closed: reads and writes fail with EBADF (see Stdio).
    private static int Stdin => Stdio.In;
    private static int Stdout => Stdio.Out;

    /// <summary>Copies stdin to sockfd and sockfd to stdout until the server's FIN; returns the exit status.</summary>
    /// <param name="linger0">At stdin's EOF, once every byte has come back, close with a RST instead of a FIN (UNP 7.5).</param>
    public static int Run(int sockfd, bool linger0 = false)
    {
        int flags = LibC.fcntl(sockfd, F_GETFL, 0);
        LibC.fcntl(sockfd, F_SETFL, flags | O_NONBLOCK);

        byte[] to = new byte[65536];   // stdin -> socket
        byte[] fr = new byte[65536];   // socket -> stdout
        int toStart = 0, toEnd = 0;
        long sent = 0, received = 0;
        bool stdinEof = false, shutDown = false;
        Span<pollfd> fds = stackalloc pollfd[2];

        for (;;)
        {
            if (stdinEof && !shutDown && toStart == toEnd)
            {
                if (!linger0)
                {
                    LibC.shutdown(sockfd, SHUT_WR); // UNP 6.6: send our FIN, keep reading the echoes
                    shutDown = true;
                }
                else if (received == sent)
                {
                    Sockets.Setsockopt(sockfd, SOL_SOCKET, SO_LINGER, new linger { l_onoff = 1, l_linger = 0 });
                    LibC.close(sockfd); // RST: the server's read fails with ECONNRESET
                    return 0;
                }
            }

            fds[0].fd = !stdinEof && toEnd == 0 ? Stdin : -1;
            fds[0].events = POLLIN;
            fds[0].revents = 0;
            fds[1].fd = sockfd;
            fds[1].events = toStart < toEnd ? (short)(POLLIN | POLLOUT) : POLLIN;
            fds[1].revents = 0;
            if (LibC.poll(fds, 2, -1) < 0)
            {
                if (Errno.Last == EINTR) continue;
                return Fail("poll error: ", Errno.Last);
            }

            if (Readable(fds[1]))
            {
                nint n = LibC.read(sockfd, fr);
                if (n > 0)
                {
                    received += n;
                    if (Io.Writen(Stdout, fr.AsSpan(0, (int)n)) < 0) return Fail("str_cli: write error on stdout: ", Errno.Last);
                }
                else if (n == 0)
                {
                    if (stdinEof) return 0; // the server's FIN after ours: normal end
                    return Premature();
                }
                else if (Errno.Last != EAGAIN && Errno.Last != EINTR)
                {
                    return ServerGone(Errno.Last);
                }
            }

            if ((fds[1].revents & POLLOUT) != 0)
            {
                nint n = LibC.write(sockfd, to.AsSpan(toStart, toEnd - toStart));
                if (n >= 0)
                {
                    toStart += (int)n;
                    sent += n;
                    if (toStart == toEnd) toStart = toEnd = 0;
                }
                else if (Errno.Last != EAGAIN && Errno.Last != EINTR)
                {
                    return ServerGone(Errno.Last);
                }
            }

            if (Readable(fds[0]))
            {
                nint n = LibC.read(Stdin, to);
                if (n > 0) toEnd = (int)n;
                else if (n == 0) stdinEof = true;
                else if (Errno.Last != EAGAIN && Errno.Last != EINTR) return Fail("str_cli: read error on stdin: ", Errno.Last);
            }
        }
    }

    /// <summary>UNP 5.12: the server's FIN came before we were done.</summary>
    public static int Premature()
    {
        Log.Error("str_cli: server terminated prematurely");
        return 1;
    }

    /// <summary>poll() saw data, an error or a hang-up: the read() says which.</summary>
    private static bool Readable(in pollfd fd)
        => (fd.revents & POLLIN) != 0 || (fd.revents & POLLERR) != 0 || (fd.revents & POLLHUP) != 0;

    /// <summary>A RST or EPIPE on the socket is the same story as a FIN: the server went first.</summary>
    private static int ServerGone(int err)
        => err == ECONNRESET || err == EPIPE ? Premature() : Fail("str_cli: socket error: ", err);

    private static int Fail(string what, int err) => Log.ErrorAndFail(what, err);
}
