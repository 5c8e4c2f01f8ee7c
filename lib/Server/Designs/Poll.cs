// UNP 6.11 tcpservpoll01: select's server with poll(), whose array of pollfd has no
// FD_SETSIZE: client[0] is the listening socket, the rest are the clients (and -1 a free slot).
//
//   client[0].fd = listenfd; client[0].events = POLLRDNORM;
//   for (i = 1; i < OPEN_MAX; i++) client[i].fd = -1;
//   for ( ; ; ) {
//       nready = Poll(client, maxi+1, INFTIM);
//       if (client[0].revents & POLLRDNORM) {     /* new client connection */
//           connfd = Accept(listenfd, (SA *) &cliaddr, &clilen);
//           for (i = 1; i < OPEN_MAX; i++) if (client[i].fd < 0) { client[i].fd = connfd; break; }
//           client[i].events = POLLRDNORM;
//           if (i > maxi) maxi = i;
//       }
//       for (i = 1; i <= maxi; i++) {              /* check all clients for data */
//           if ((sockfd = client[i].fd) < 0) continue;
//           if (client[i].revents & (POLLRDNORM | POLLERR)) {
//               if ((n = read(sockfd, buf, MAXLINE)) < 0) { if (errno == ECONNRESET) { Close(sockfd); client[i].fd = -1; } else err_sys("read error"); }
//               else if (n == 0) { Close(sockfd); client[i].fd = -1; }
//               else Writen(sockfd, buf, n);
//           }
//       }
//   }
//
// As in the select design: non-blocking sockets, each client's pending echo kept
// (EchoSession) and that client not read while it waits (POLLOUT instead of POLLIN), so a
// client that never reads stops only itself. Here client[1] is the signalfd (R2), the
// clients start at 2, and the array grows as needed (the book's OPEN_MAX).
using UnpServers.Unp;

namespace UnpServers.Server.Designs;

public sealed class Poll : EchoMultiplexer
{
    private const int FirstClient = 2;

    private pollfd[] _client = new pollfd[64];
    private EchoSession?[] _session = new EchoSession?[64];
    private int _maxi = FirstClient - 1;
    private readonly Action<EchoSession> _forget;

    public Poll() => _forget = Forget; // made once: the loop allocates nothing per turn

    public override void Prepare(ServerCore core)
    {
        base.Prepare(core);
        for (int i = FirstClient; i < _client.Length; i++) _client[i].fd = -1;
    }

    public override int Serve(ServerCore core)
    {
        Span<byte> buf = new byte[EchoSessions.BufferSize];
        for (;;)
        {
            bool accepting = NextTurn(core, _forget, out int timeoutMs);

            _client[0] = new pollfd { fd = accepting ? core.Listener.Fd : -1, events = POLLIN };
            _client[1] = new pollfd { fd = core.Signals.Fd, events = POLLIN };
            for (int i = FirstClient; i <= _maxi; i++)
            {
                _client[i].revents = 0;
                if (_session[i] is not { } s) continue;
                _client[i].events = (short)((s.WantsRead ? POLLIN : 0) | (s.WantsWrite ? POLLOUT : 0));
            }

            if (core.Poll(_client.AsSpan(0, _maxi + 1), timeoutMs) == 0) continue;
            if (_client[1].revents != 0 && core.HandleSignals()) return core.Stop();
            if (_client[0].revents != 0 && AcceptSome(core) is int fatal and not 0) return core.FatalAcceptError(fatal);

            for (int i = FirstClient; i <= _maxi; i++) // check all clients for data, or room for their echo
            {
                short revents = _client[i].revents;
                if (revents == 0 || _session[i] is not { } s) continue;
                // POLLERR and POLLHUP: the read or the write reports what happened.
                bool open = s.WantsRead ? s.OnReadable(buf) : s.OnWritable();
                if (open) continue;
                Forget(s);
                Sessions.Close(s);
            }
            while (_maxi >= FirstClient && _session[_maxi] == null) _maxi--;
        }
    }

    private void Forget(EchoSession s)
    {
        _session[s.Slot] = null;
        _client[s.Slot].fd = -1;
    }

    protected override void Admit(int connfd)
    {
        int i = FirstClient;
        while (i < _client.Length && _client[i].fd >= 0) i++;
        if (i == _client.Length)
        {
            Array.Resize(ref _client, _client.Length * 2);
            Array.Resize(ref _session, _client.Length);
            for (int j = i; j < _client.Length; j++) _client[j].fd = -1;
        }
        EchoSession s = Sessions.Add(connfd);
        s.Slot = i;
        _session[i] = s;
        _client[i] = new pollfd { fd = connfd, events = POLLIN };
        _maxi = Math.Max(_maxi, i);
    }
}
