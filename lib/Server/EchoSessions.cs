// str_echo for the multiplexing designs (select, poll, epoll: UNP 6.8, 6.11): one process
// serves every client, so no read or write may block. Each socket is non-blocking, and what
// a client has not yet taken waits in its own output buffer, as UNP 16.2's non-blocking
// str_cli keeps its "to" and "fr" buffers. UNP 6.8 warns that a client that sends and never
// reads could otherwise stop the whole server (a denial of service); here only that client
// stops: while its output is pending the server does not read from it (backpressure), so its
// buffer never holds more than one read's worth.
using UnpServers.Interop;
using UnpServers.Unp;

namespace UnpServers.Server;

/// <summary>One client of a multiplexing server: its descriptor, its pending echo, its idle deadline.</summary>
public sealed class EchoSession
{
    private readonly EchoSessions _owner;
    private byte[]? _pending;
    private int _pendingStart, _pendingEnd;
    private bool _eof;

    public int Fd { get; }

    /// <summary>The design's own index for this client (UNP's client[i]), or -1.</summary>
    public int Slot { get; set; } = -1;

    /// <summary>Environment.TickCount64 at which --idle-timeout closes it; long.MaxValue without one.</summary>
    public long Deadline { get; private set; } = long.MaxValue;

    internal EchoSession(EchoSessions owner, int fd)
    {
        _owner = owner;
        Fd = fd;
        Touch();
    }

    /// <summary>Read from it only while nothing waits to be written back: the backpressure.</summary>
    public bool WantsRead => !_eof && _pendingEnd == 0;

    /// <summary>Its echo waits for room in the socket's send buffer.</summary>
    public bool WantsWrite => _pendingEnd > 0;

    /// <summary>Progress was made: the idle time-out starts again.</summary>
    private void Touch()
    {
        if (_owner.IdleTimeoutMs > 0) Deadline = Environment.TickCount64 + _owner.IdleTimeoutMs;
    }

    /// <summary>
    /// The socket is readable: one read (so every client gets its turn), and as much of the
    /// echo as the socket takes now; the rest waits. False when the session is over (EOF with
    /// nothing pending, or an error, logged): the caller closes it.
    /// </summary>
    public bool OnReadable(Span<byte> buf)
    {
        nint n = LibC.read(Fd, buf);
        if (n < 0)
        {
            int err = Errno.Last;
            if (err == EAGAIN || err == EINTR) return true; // nothing after all; poll again
            return Failed("str_echo: read error: "u8, err);
        }
        if (n == 0)
        {
            _eof = true; // the client's FIN (UNP 5.7): done once its echo is out
            return _pendingEnd > 0;
        }
        Touch();
        ReadOnlySpan<byte> data = buf[..(int)n];
        nint w = LibC.send(Fd, data, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (w < 0)
        {
            int err = Errno.Last;
            if (err != EAGAIN && err != EINTR) return Failed("str_echo: write error: "u8, err);
            w = 0;
        }
        if (w < n)
        {
            // The client is not reading fast enough: keep the rest, stop reading it.
            _pending ??= new byte[buf.Length];
            data[(int)w..].CopyTo(_pending);
            _pendingStart = 0;
            _pendingEnd = (int)(n - w);
        }
        return true;
    }

    /// <summary>The socket has room: write what is pending. False when the session is over.</summary>
    public bool OnWritable()
    {
        if (_pendingEnd == 0) return true;
        nint w = LibC.send(Fd, _pending.AsSpan(_pendingStart, _pendingEnd - _pendingStart), MSG_DONTWAIT | MSG_NOSIGNAL);
        if (w < 0)
        {
            int err = Errno.Last;
            if (err == EAGAIN || err == EINTR) return true;
            return Failed("str_echo: write error: "u8, err);
        }
        Touch();
        _pendingStart += (int)w;
        if (_pendingStart < _pendingEnd) return true;
        _pendingStart = _pendingEnd = 0; // all out: read from it again
        return !_eof;
    }

    /// <summary>
    /// --idle-timeout: true (and the reason logged, as str_echo logs it) when its deadline has
    /// passed: nothing to read for that long, or an echo the client has not taken.
    /// </summary>
    public bool Expired(long now)
    {
        if (now < Deadline) return false;
        Log.Info(Log.Line().Add(WantsWrite ? "str_echo: client has not read for "u8 : "str_echo: idle for "u8)
                           .Add(_owner.IdleTimeoutMs / 1000).Add(" s, closing"u8));
        return true;
    }

    /// <summary>As StrEcho: the error is logged; a client that reset or vanished is an ordinary end.</summary>
    private static bool Failed(ReadOnlySpan<byte> what, int err)
    {
        Log.Error(Log.Line().Add(what).AddErrno(err));
        return false;
    }
}

/// <summary>
/// Every client of a multiplexing server, by descriptor: what the stats line counts
/// (active, peak) and --max-children limits, and what stopping closes.
/// </summary>
public sealed class EchoSessions(int idleTimeoutMs)
{
    /// <summary>Bytes per read: StrEcho's buffer size, shared by all clients (one thread).</summary>
    public const int BufferSize = Services.StrEcho.BufferSize;

    private EchoSession?[] _byFd = new EchoSession?[64];
    private long _nextExpiry = long.MaxValue;

    public int IdleTimeoutMs { get; } = idleTimeoutMs;

    /// <summary>Clients connected now.</summary>
    public int Count { get; private set; }

    /// <summary>The most clients connected at once.</summary>
    public int Peak { get; private set; }

    /// <summary>Takes connfd into the set: non-blocking from now on.</summary>
    public EchoSession Add(int connfd)
    {
        int flags = LibC.fcntl(connfd, F_GETFL, 0);
        if (flags >= 0) LibC.fcntl(connfd, F_SETFL, flags | O_NONBLOCK);
        if (connfd >= _byFd.Length) Array.Resize(ref _byFd, Math.Max(connfd + 1, _byFd.Length * 2));
        var s = new EchoSession(this, connfd);
        _byFd[connfd] = s;
        Count++;
        Peak = Math.Max(Peak, Count);
        _nextExpiry = Math.Min(_nextExpiry, s.Deadline);
        return s;
    }

    public EchoSession? Get(int fd) => (uint)fd < (uint)_byFd.Length ? _byFd[fd] : null;

    /// <summary>UNP 6.8: close(sockfd) and forget it.</summary>
    public void Close(EchoSession s)
    {
        if (_byFd[s.Fd] != s) return;
        _byFd[s.Fd] = null;
        Count--;
        LibC.close(s.Fd);
    }

    /// <summary>
    /// --idle-timeout: closes every client past its deadline, telling the design first
    /// (forget(session)) so that it clears its slot before the descriptor can be reused.
    /// Scans only when the earliest deadline seen may have passed. Returns the poll time-out
    /// until the next check (ms), or -1 when there is nothing to wait for.
    /// </summary>
    public int ExpireIdle(Action<EchoSession> forget)
    {
        if (IdleTimeoutMs <= 0 || Count == 0) return -1;
        long now = Environment.TickCount64;
        if (now >= _nextExpiry)
        {
            _nextExpiry = long.MaxValue;
            for (int fd = 0; fd < _byFd.Length; fd++)
            {
                if (_byFd[fd] is not { } s) continue;
                if (s.Expired(now))
                {
                    forget(s);
                    Close(s);
                }
                else _nextExpiry = Math.Min(_nextExpiry, s.Deadline);
            }
        }
        if (_nextExpiry == long.MaxValue) return -1;
        return (int)Math.Clamp(_nextExpiry - now, 1, int.MaxValue);
    }

    /// <summary>Stopping: every client's connection closed.</summary>
    public void CloseAll()
    {
        for (int fd = 0; fd < _byFd.Length; fd++)
            if (_byFd[fd] is { } s) Close(s);
    }
}
