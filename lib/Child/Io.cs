// UNP 3.9: writen, and a poll for one descriptor (with the iterative server's signalfd beside
// it: ConnectionService.Watch). None of these allocates or throws: a forked child uses them
// (fork-safety R4). They return -1 with errno set, like the C originals.
using UnpServers.Child;
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
                if (n < 0 && Errno.Last == EINTR) continue; // UNP 5.9: call write() again
                return -1;
            }
            left -= (int)n;
        }
        return buf.Length;
    }

    /// <summary>What WritenTimed returns when the peer took nothing for the whole time-out.</summary>
    public const int TimedOut = -2;

    /// <summary>What WritenTimed, WaitReadable and Pause return when the watch said to stop serving.</summary>
    public const int Stopped = -3;

    /// <summary>A pipe takes a write of up to PIPE_BUF bytes without blocking once poll() says POLLOUT.</summary>
    private const int PipeBuf = 4096;

    /// <summary>
    /// Writes all of buf, but gives up when the peer has taken nothing for timeoutMs (-1: never):
    /// a client that sends and never reads would otherwise hold a blocking write forever.
    /// A write that cannot block: send(MSG_DONTWAIT) on a socket, tried first, with a poll() for
    /// POLLOUT only when it would have blocked (an echo costs no poll while the client reads);
    /// on a pipe (--inetd under socat), poll() first, then at most PIPE_BUF bytes. With a watch,
    /// its descriptor is polled too. Returns buf.Length, -1 with errno, TimedOut, or Stopped.
    /// </summary>
    public static nint WritenTimed(int fd, ReadOnlySpan<byte> buf, int timeoutMs, ServingWatch? watch = null)
    {
        bool socket = true, blocked = false;
        int done = 0;
        while (done < buf.Length)
        {
            if (blocked || !socket)
            {
                int ready = Wait(fd, POLLOUT, timeoutMs, watch);
                if (ready < 0) return ready; // -1 with errno, or Stopped
                if (ready == 0) return TimedOut;
                // POLLOUT, or POLLERR/POLLHUP, which the write reports as its error.
            }
            ReadOnlySpan<byte> rest = buf[done..];
            nint n = socket ? LibC.send(fd, rest, MSG_DONTWAIT) : LibC.write(fd, rest[..Math.Min(rest.Length, PipeBuf)]);
            if (n < 0)
            {
                int err = Errno.Last;
                if (socket && err == ENOTSOCK)
                {
                    socket = false;
                    continue;
                }
                blocked = err == EAGAIN;
                if (err == EINTR || err == EAGAIN) continue;
                return -1;
            }
            blocked = false;
            done += (int)n;
        }
        return buf.Length;
    }

    /// <summary>
    /// Whether err says the peer is gone: reset (UNP 5.16, ECONNRESET), closed under a write
    /// (5.13, EPIPE) or silent through keepalive's probes (7.5, ETIMEDOUT). A child that meets
    /// one has simply lost its client: exit 0. Any other error is its own failure.
    /// </summary>
    public static bool PeerGone(int err) => err == EPIPE || err == ECONNRESET || err == ETIMEDOUT;

    /// <summary>read(2), retried on EINTR.</summary>
    public static nint Read(int fd, Span<byte> buf)
    {
        for (;;)
        {
            nint n = LibC.read(fd, buf);
            if (n < 0 && Errno.Last == EINTR) continue;
            return n;
        }
    }

    /// <summary>
    /// Waits until fd is readable, for at most timeoutMs (-1: no limit), handling the watch if
    /// any: 1 ready (data, EOF or error), 0 timed out, -1 error, or Stopped.
    /// </summary>
    public static int WaitReadable(int fd, int timeoutMs, ServingWatch? watch = null) => Wait(fd, POLLIN, timeoutMs, watch);

    /// <summary>Waits until fd is writable (a connect in progress has ended), for at most timeoutMs (-1: no limit): 1, 0 timed out, -1 error.</summary>
    public static int WaitWritable(int fd, int timeoutMs) => Wait(fd, POLLOUT, timeoutMs, null);

    /// <summary>Sleeps ms milliseconds, handling the watch if any: 0, or Stopped.</summary>
    public static int Pause(int ms, ServingWatch? watch = null) => Wait(-1, 0, ms, watch) == Stopped ? Stopped : 0; // poll() skips descriptor -1

    /// <summary>
    /// poll() for events on fd and, with a watch, for its descriptor, which is handled first: a
    /// client that keeps sending does not keep the watch waiting. A time-out is the whole time
    /// fd stays unready, however often the watch fires. 1, 0 on a time-out, -1 with errno, Stopped.
    /// </summary>
    private static int Wait(int fd, short events, int timeoutMs, ServingWatch? watch)
    {
        Span<pollfd> p = stackalloc pollfd[2];
        long deadline = Environment.TickCount64 + timeoutMs;
        for (;;)
        {
            p[0].fd = fd;
            p[0].events = events;
            p[0].revents = 0;
            p[1].fd = watch != null ? watch.Fd : -1;
            p[1].events = POLLIN;
            p[1].revents = 0;
            int n = LibC.poll(p, 2, timeoutMs);
            if (n < 0 && Errno.Last == EINTR)
            {
                timeoutMs = Left(timeoutMs, deadline); // signals do not stretch the time-out
                continue;
            }
            if (n <= 0) return n;
            if (p[1].revents != 0)
            {
                if (watch!.Handle()) return Stopped;
                if (p[0].revents == 0)
                {
                    timeoutMs = Left(timeoutMs, deadline);
                    continue;
                }
            }
            return 1;
        }
    }

    /// <summary>What is left of timeoutMs at deadline's clock; -1 (no limit) and 0 stay as they are.</summary>
    private static int Left(int timeoutMs, long deadline) => timeoutMs > 0 ? (int)Math.Max(0, deadline - Environment.TickCount64) : timeoutMs;
}
