// UNP's listening socket and its accept() (5.9, 5.11): tcp_listen, the errors a server lives
// through, the "connection from" line, --keepalive, and a pause while out of descriptors.
using UnpServers.Child;
using UnpServers.Interop;
using UnpServers.Unp;

namespace UnpServers.Server;

public sealed class Listener
{
    private readonly ServerOptions _options;
    private readonly ConnectionService _service;
    private readonly ServerStats _stats;
    private long _pausedUntil;
    private int _backoffMs;

    /// <summary>The listening socket (non-blocking, close-on-exec); -1 once stopping.</summary>
    public int Fd { get; private set; }

    /// <summary>The address it is bound to, for "listening on".</summary>
    public sockaddr_storage Bound;

    /// <summary>tcp_listen (UNP 11.12).</summary>
    public Listener(ServerOptions options, ConnectionService service, ServerStats stats)
    {
        (_options, _service, _stats) = (options, service, stats);
        Fd = TcpListen.Open(options.Bind, options.Port, options.Backlog, out Bound);
    }

    /// <summary>
    /// Whether to wait on the listener. At --max-children (active: the design's count), or
    /// backing off after EMFILE, the server stops accepting; connections wait in the backlog
    /// and none is refused. timeoutMs: how long the back-off still lasts, or -1.
    /// </summary>
    public bool AcceptingNow(int active, out int timeoutMs)
    {
        timeoutMs = -1;
        if (active >= _options.MaxChildren) return false;
        long wait = _pausedUntil - Environment.TickCount64;
        if (wait <= 0) return true;
        timeoutMs = (int)wait;
        return false;
    }

    /// <summary>
    /// One connection: the connected socket (close-on-exec), counted, with --keepalive set and
    /// its "connection from" line logged. -1 when there is none to take now (the queue is empty,
    /// or out of descriptors: accepting pauses), with fatal 0; -1 with fatal set to the errno
    /// of an error that ends the server (ServerCore.FatalAcceptError).
    /// </summary>
    public int Accept(out int fatal)
    {
        fatal = 0;
        sockaddr_storage cliaddr = default;
        for (int tries = 0; tries < Tunables.AcceptRetryLimit; tries++)
        {
            uint clilen = 128;
            int connfd = LibC.accept4(Fd, ref cliaddr, ref clilen, SOCK_CLOEXEC);
            if (connfd >= 0)
            {
                _backoffMs = 0;
                _stats.Accepted++;
                if (_options.KeepaliveSeconds > 0) SetKeepalive(connfd); // here: a child (or exec'd program) inherits it
                // Here in every design, --exec too: an exec'd child's getpeername() fails once the client has reset.
                Unp.Accept.LogPeer(ref cliaddr);
                if (_service.UsesLocalTime) Clock.ReadZone(); // for the daytime reply: a child may not ask libc (Clock.cs)
                return connfd;
            }
            int err = Errno.Last;
            if (err == EAGAIN) return -1; // the queue is empty
            if (err == EINTR || Unp.Accept.Retryable(err))
            {
                // UNP 5.9: restart the interrupted accept; 5.11: that connection failed, not
                // the server. Say so, and go on.
                Unp.Accept.LogRetry(err);
                continue;
            }
            if (Unp.Accept.OutOfResources(err))
            {
                Log.Error(Log.Line().Add("accept error: "u8).AddErrno(err));
                PauseAccepting();
                return -1;
            }
            fatal = err;
            return -1;
        }
        return -1; // failing connections one after another: back to the wait, where signals are seen
    }

    /// <summary>UNP 7.5: a failed option is reported; the connection is served without it.</summary>
    private void SetKeepalive(int connfd)
    {
        if (Keepalive.Set(connfd, _options.KeepaliveSeconds, out int option) == 0) return;
        int err = Errno.Last;
        Log.Error(Log.Line().Add("setsockopt "u8).Add(Keepalive.OptionName(option)).Add(" error: "u8).AddErrno(err));
    }

    /// <summary>Out of descriptors, processes or threads: stop waiting on the listener for a while instead of spinning.</summary>
    public void PauseAccepting()
    {
        _backoffMs = _backoffMs == 0 ? Tunables.FirstBackoffMs : Math.Min(_backoffMs * 2, Tunables.MaxBackoffMs);
        _pausedUntil = Environment.TickCount64 + _backoffMs;
    }

    /// <summary>
    /// For the designs whose workers block in accept() (prefork, prethread): O_NONBLOCK off,
    /// on the open file the pre-forked children share with the parent, which then never accepts.
    /// </summary>
    public void SetBlocking()
    {
        int flags = LibC.fcntl(Fd, F_GETFL, 0);
        if (flags < 0 || LibC.fcntl(Fd, F_SETFL, flags & ~O_NONBLOCK) < 0) throw new UnpException("fcntl", Errno.Last);
    }

    /// <summary>Stopping: new clients are refused from now on.</summary>
    public void Close()
    {
        LibC.close(Fd);
        Fd = -1;
    }
}
