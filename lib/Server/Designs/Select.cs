// UNP 6.8 tcpservselect01: one process, one thread, no fork: select() watches the listening
// socket and every client, and the server serves whichever is ready.
//
//   for ( ; ; ) {
//       rset = allset;
//       nready = Select(maxfd+1, &rset, NULL, NULL, NULL);
//       if (FD_ISSET(listenfd, &rset)) {          /* new client connection */
//           connfd = Accept(listenfd, (SA *) &cliaddr, &clilen);
//           for (i = 0; i < FD_SETSIZE; i++) if (client[i] < 0) { client[i] = connfd; break; }
//           if (i == FD_SETSIZE) err_quit("too many clients");
//           FD_SET(connfd, &allset);
//           if (connfd > maxfd) maxfd = connfd;
//           if (i > maxi) maxi = i;
//       }
//       for (i = 0; i <= maxi; i++) {              /* check all clients for data */
//           if ((sockfd = client[i]) < 0) continue;
//           if (FD_ISSET(sockfd, &rset)) {
//               if ((n = Read(sockfd, buf, MAXLINE)) == 0) { Close(sockfd); FD_CLR(sockfd, &allset); client[i] = -1; }
//               else Writen(sockfd, buf, n);
//           }
//       }
//   }
//
// The book's Writen blocks on a client that does not read, and so stops every other client
// (the denial of service UNP 6.8 describes). Here the sockets are non-blocking and each client
// keeps its pending echo (EchoSession): while it waits in the write set, the server does not
// read that client. The signalfd is in the read set too (R2), and --idle-timeout is select's
// time-out. select() cannot watch a descriptor of FD_SETSIZE (1024) or more: such a connection
// is logged and closed, and the server goes on with the others (the book quits).
using UnpServers.Interop;
using UnpServers.Unp;

namespace UnpServers.Server.Designs;

public sealed class Select : EchoMultiplexer
{
    private readonly EchoSession?[] _client = new EchoSession?[LibC.FD_SETSIZE];
    private int _maxi = -1;
    private readonly Action<EchoSession> _forget;

    public Select() => _forget = s => _client[s.Slot] = null; // made once: the loop allocates nothing per turn

    public override void Prepare(ServerCore core)
    {
        base.Prepare(core);
        foreach (int fd in (int[])[core.Listener.Fd, core.Signals.Fd])
            if (fd >= LibC.FD_SETSIZE)
                throw new UnpException("select", EINVAL, $"select: descriptor {fd} is beyond FD_SETSIZE ({LibC.FD_SETSIZE}): too many descriptors open at start");
    }

    public override int Serve(ServerCore core)
    {
        Span<byte> buf = new byte[EchoSessions.BufferSize];
        for (;;)
        {
            bool accepting = NextTurn(core, _forget, out int timeoutMs);

            LibC.FD_ZERO(out fd_set rset);
            LibC.FD_ZERO(out fd_set wset);
            LibC.FD_SET(core.Signals.Fd, ref rset);
            int maxfd = core.Signals.Fd;
            if (accepting)
            {
                LibC.FD_SET(core.Listener.Fd, ref rset);
                maxfd = Math.Max(maxfd, core.Listener.Fd);
            }
            for (int i = 0; i <= _maxi; i++)
            {
                if (_client[i] is not { } s) continue;
                if (s.WantsRead) LibC.FD_SET(s.Fd, ref rset);
                if (s.WantsWrite) LibC.FD_SET(s.Fd, ref wset);
                maxfd = Math.Max(maxfd, s.Fd);
            }

            int nready = LibC.select(maxfd + 1, ref rset, ref wset, timeoutMs);
            if (nready < 0)
            {
                int err = Errno.Last;
                if (err == EINTR) continue; // UNP 5.9
                throw new UnpException("select", err);
            }
            if (nready == 0) continue;
            if (LibC.FD_ISSET(core.Signals.Fd, rset) && core.HandleSignals()) return core.Stop();
            if (accepting && LibC.FD_ISSET(core.Listener.Fd, rset) && AcceptSome(core) is int fatal and not 0)
                return core.FatalAcceptError(fatal);

            for (int i = 0; i <= _maxi; i++) // check all clients for data, or room for their echo
            {
                if (_client[i] is not { } s) continue;
                bool open = true;
                if (LibC.FD_ISSET(s.Fd, rset)) open = s.OnReadable(buf);
                else if (LibC.FD_ISSET(s.Fd, wset)) open = s.OnWritable();
                if (open) continue;
                _client[i] = null;
                Sessions.Close(s);
            }
            while (_maxi >= 0 && _client[_maxi] == null) _maxi--;
        }
    }

    protected override void Admit(int connfd)
    {
        if (connfd >= LibC.FD_SETSIZE)
        {
            // The book's "too many clients", without quitting: this one cannot be watched.
            Log.Error(Log.Line().Add("select: too many clients: descriptor "u8).Add(connfd)
                                .Add(" is beyond FD_SETSIZE ("u8).Add(LibC.FD_SETSIZE).Add("); connection closed"u8));
            LibC.close(connfd);
            return;
        }
        int i = Array.IndexOf(_client, null); // a free slot: there is one, as connfd < FD_SETSIZE
        EchoSession s = Sessions.Add(connfd);
        s.Slot = i;
        _client[i] = s;
        _maxi = Math.Max(_maxi, i);
    }
}
