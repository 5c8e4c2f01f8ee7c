// Beyond the book: the poll server with epoll(7), the interface real Linux servers use.
// select() and poll() hand the kernel every descriptor on every call, and the server then
// scans them all; epoll keeps the interest list in the kernel (epoll_ctl, once per change)
// and epoll_wait returns only the descriptors that are ready.
//
//   epfd = epoll_create1(EPOLL_CLOEXEC);
//   epoll_ctl(epfd, EPOLL_CTL_ADD, listenfd, { EPOLLIN, listenfd });
//   for ( ; ; ) {
//       nready = epoll_wait(epfd, events, MAXEVENTS, -1);
//       for (i = 0; i < nready; i++) {
//           if (events[i].data.fd == listenfd) {   /* new client connection */
//               connfd = Accept(listenfd, ...);
//               epoll_ctl(epfd, EPOLL_CTL_ADD, connfd, { EPOLLIN, connfd });
//           } else if ((n = read(sockfd = events[i].data.fd, buf, MAXLINE)) <= 0)
//               Close(sockfd);                     /* close() also leaves the epoll set */
//           else
//               Writen(sockfd, buf, n);
//       }
//   }
//
// As in the select and poll designs: non-blocking sockets, each client's pending echo kept
// (EchoSession), and a client whose echo waits is watched for EPOLLOUT instead of EPOLLIN
// (EPOLL_CTL_MOD), so a client that never reads stops only itself. Level-triggered, as
// poll is. The signalfd is in the set too (R2); --idle-timeout is epoll_wait's time-out.
using UnpServers.Interop;
using UnpServers.Unp;

namespace UnpServers.Server.Designs;

public sealed class Epoll : EchoMultiplexer
{
    private const int MaxEvents = 64;

    private int _epfd = -1;
    private bool _listening;

    public override void Prepare(ServerCore core)
    {
        base.Prepare(core);
        _epfd = LibC.epoll_create1(EPOLL_CLOEXEC);
        if (_epfd < 0) throw new UnpException("epoll_create1", Errno.Last);
        Ctl(EPOLL_CTL_ADD, core.Signals.Fd, EPOLLIN);
        Ctl(EPOLL_CTL_ADD, core.Listener.Fd, 0); // EPOLLIN while accepting (Serve)
    }

    /// <summary>epoll_ctl; data is the descriptor, as data.fd in C.</summary>
    private void Ctl(int op, int fd, int events)
    {
        if (LibC.epoll_ctl(_epfd, op, fd, events, (ulong)fd) < 0) throw new UnpException("epoll_ctl", Errno.Last);
    }

    private static int Interest(EchoSession s) => s.WantsWrite ? EPOLLOUT : EPOLLIN;

    public override int Serve(ServerCore core)
    {
        Span<byte> buf = new byte[EchoSessions.BufferSize];
        Span<epoll_event> events = stackalloc epoll_event[MaxEvents];
        for (;;)
        {
            bool accepting = NextTurn(core, _ => { }, out int timeoutMs); // close() takes a client out of the epoll set
            if (accepting != _listening)
            {
                Ctl(EPOLL_CTL_MOD, core.Listener.Fd, accepting ? EPOLLIN : 0);
                _listening = accepting;
            }

            int nready = LibC.epoll_wait(_epfd, events, timeoutMs);
            if (nready < 0)
            {
                int err = Errno.Last;
                if (err == EINTR) continue; // UNP 5.9
                throw new UnpException("epoll_wait", err);
            }
            bool signalled = false, connecting = false;
            for (int i = 0; i < nready; i++)
            {
                int fd = events[i].data.fd;
                if (fd == core.Signals.Fd) signalled = true;
                else if (fd == core.Listener.Fd) connecting = true;
                else if (Sessions.Get(fd) is { } s)
                {
                    int before = Interest(s);
                    // EPOLLERR and EPOLLHUP: the read or the write reports what happened.
                    bool open = s.WantsRead ? s.OnReadable(buf) : s.OnWritable();
                    if (!open) Sessions.Close(s);
                    else if (Interest(s) != before) Ctl(EPOLL_CTL_MOD, s.Fd, Interest(s));
                }
            }
            // After the clients: a descriptor closed above and reused by accept() would
            // otherwise be mistaken for the one this batch of events reported.
            if (signalled && core.HandleSignals()) return core.Stop();
            if (connecting && AcceptSome(core) is int fatal and not 0) return core.FatalAcceptError(fatal);
        }
    }

    protected override void Admit(int connfd)
    {
        EchoSession s = Sessions.Add(connfd);
        if (LibC.epoll_ctl(_epfd, EPOLL_CTL_ADD, connfd, EPOLLIN, (ulong)connfd) < 0)
        {
            Log.Error(Log.Line().Add("epoll_ctl error: "u8).AddErrno(Errno.Last));
            Sessions.Close(s);
        }
    }

    public override void StopConnections(ServerCore core)
    {
        LibC.close(_epfd);
        base.StopConnections(core);
    }
}
