// UNP 3.9: writen, and a poll for one descriptor. None of these allocates or throws: a
// forked child uses them (fork-safety R4). They return -1 with errno set, like the C originals.
using UnpServers.Interop;

namespace UnpServers.Unp;

public static class Io
{
    /// <summary>Writes all of buf; returns buf.Length or -1.</summary>
    public static nint Writen(int fd, ReadOnlySpan<byte> buf)
    {
        int left = buf.Length;
        while (left > 0)
        {
            nint n = LibC.write(fd, buf[(buf.Length - left)..]);
            if (n <= 0)
            {
                if (n < 0 && Errno.Last == LibC.EINTR) continue; // UNP 5.9: call write() again
                return -1;
            }
            left -= (int)n;
        }
        return buf.Length;
    }

    /// <summary>What WritenTimed returns when the peer took nothing for the whole time-out.</summary>
    public const int TimedOut = -2;

    /// <summary>A pipe takes a write of up to PIPE_BUF bytes without blocking once poll() says POLLOUT.</summary>
    private const int PipeBuf = 4096;

    /// <summary>
    /// Writes all of buf, but gives up when the peer has taken nothing for timeoutMs: a
    /// client that sends and never reads would otherwise hold a blocking write forever.
    /// poll() for POLLOUT, then a write that cannot block: send(MSG_DONTWAIT) on a socket,
    /// at most PIPE_BUF bytes on a pipe (--inetd under socat). Returns buf.Length, -1 with
    /// errno, or TimedOut.
    /// </summary>
    public static nint WritenTimed(int fd, ReadOnlySpan<byte> buf, int timeoutMs)
    {
        Span<pollfd> p = stackalloc pollfd[1];
        bool socket = true;
        int done = 0;
        while (done < buf.Length)
        {
            p[0].fd = fd;
            p[0].events = LibC.POLLOUT;
            p[0].revents = 0;
            int ready = LibC.poll(p, 1, timeoutMs);
            if (ready < 0)
            {
                if (Errno.Last == LibC.EINTR) continue;
                return -1;
            }
            if (ready == 0) return TimedOut;
            // POLLOUT, or POLLERR/POLLHUP, which the write reports as its error.
            ReadOnlySpan<byte> rest = buf[done..];
            nint n = socket ? LibC.send(fd, rest, LibC.MSG_DONTWAIT) : LibC.write(fd, rest[..Math.Min(rest.Length, PipeBuf)]);
            if (n < 0)
            {
                int err = Errno.Last;
                if (socket && err == LibC.ENOTSOCK)
                {
                    socket = false;
                    continue;
                }
                if (err == LibC.EINTR || err == LibC.EAGAIN) continue;
                return -1;
            }
            done += (int)n;
        }
        return buf.Length;
    }

    /// <summary>read(2), retried on EINTR.</summary>
    public static nint Read(int fd, Span<byte> buf)
    {
        for (;;)
        {
            nint n = LibC.read(fd, buf);
            if (n < 0 && Errno.Last == LibC.EINTR) continue;
            return n;
        }
    }

    /// <summary>Waits until fd is readable: 1 ready (data, EOF or error), 0 timed out, -1 error.</summary>
    public static int WaitReadable(int fd, int timeoutMs)
    {
        Span<pollfd> p = stackalloc pollfd[1];
        p[0].fd = fd;
        p[0].events = LibC.POLLIN;
        for (;;)
        {
            int n = LibC.poll(p, 1, timeoutMs);
            if (n < 0 && Errno.Last == LibC.EINTR) continue;
            return n;
        }
    }
}
