// UNP 30.9 serv05: the pre-forked server whose parent accepts, and passes each connected
// descriptor to an idle child over a Unix-domain stream socketpair (write_fd, UNP 15.7).
// The child serves it, closes it, and writes one byte back: "ready again". The parent
// tracks which children are idle (the book's cptr array) and, with none idle, stops
// polling the listener: clients wait in the backlog. Children are kept as in Prefork.
//
//   for ( ; ; ) {
//       rset = masterset;
//       if (navail <= 0) FD_CLR(listenfd, &rset);
//       nsel = Select(maxfd + 1, &rset, NULL, NULL, NULL);
//       if (FD_ISSET(listenfd, &rset)) {
//           connfd = Accept(listenfd, cliaddr, &clilen);
//           for (i = 0; i < nchildren; i++) if (cptr[i].child_status == 0) break;
//           cptr[i].child_status = 1; cptr[i].child_count++; navail--;
//           Write_fd(cptr[i].child_pipefd, "", 1, connfd);
//           Close(connfd);
//       }
//       for (i = 0; i < nchildren; i++)
//           if (FD_ISSET(cptr[i].child_pipefd, &rset)) {
//               if (Read(cptr[i].child_pipefd, &rc, 1) == 0) err_quit("child %d terminated unexpectedly", i);
//               cptr[i].child_status = 0; navail++;
//           }
//   }
// A child that terminates is not fatal here: SIGCHLD reaps it and a new one takes its slot.
using UnpServers.Child;
using UnpServers.Interop;
using UnpServers.Unp;

namespace UnpServers.Server.Designs;

public sealed class PreforkPass : Prefork
{
    /// <summary>The parent's end of each child's socketpair, -1 while the slot has no child.</summary>
    private int[] _channels = [];
    /// <summary>child_status: serving a connection we passed.</summary>
    private bool[] _busy = [];
    private pollfd[] _fds = [];
    /// <summary>Counts changes of _channels: after one, the last poll()'s events are stale (a new channel may reuse a descriptor number).</summary>
    private int _changes;

    protected override bool ParentAccepts => true;

    protected override void PrepareChildren(ServerCore core)
    {
        _channels = new int[Workers];
        Array.Fill(_channels, -1);
        _busy = new bool[Workers];
        _fds = new pollfd[Workers + 3];
        PrepareFork(core, Loop);
    }

    /// <summary>child_make: a socketpair, then the child with its end; the parent keeps the other.</summary>
    protected override int ForkChild(ServerCore core, int slot)
    {
        if (LibC.socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, out int parentEnd, out int childEnd) < 0) return -1;
        int pid = ChildMain.ForkAndReceive(childEnd, Loop, core.Service, slot); // it keeps its end only
        int err = Errno.Last;
        LibC.close(childEnd);
        if (pid < 0)
        {
            LibC.close(parentEnd);
            System.Runtime.InteropServices.Marshal.SetLastPInvokeError(err);
            return -1;
        }
        _channels[slot] = parentEnd;
        _busy[slot] = false;
        _changes++;
        return pid;
    }

    protected override void ChildGone(int slot)
    {
        if (_channels[slot] >= 0) LibC.close(_channels[slot]);
        _channels[slot] = -1;
        _busy[slot] = false;
        _changes++;
    }

    public override int Serve(ServerCore core)
    {
        int n = Workers;
        Span<byte> rc = stackalloc byte[1];
        for (;;)
        {
            bool idle = IdleSlot() >= 0;
            bool accepting = core.Listener.AcceptingNow(0, out int timeoutMs) && idle;
            int slotsMs = NextTimeoutMs(); // an empty slot to fill, a new child to see live
            if (slotsMs >= 0 && (timeoutMs < 0 || timeoutMs > slotsMs)) timeoutMs = slotsMs;
            _fds[0] = new pollfd { fd = core.Signals.Fd, events = POLLIN };
            _fds[1] = new pollfd { fd = accepting ? core.Listener.Fd : -1, events = POLLIN };
            _fds[2] = new pollfd { fd = RelayFd(ref timeoutMs), events = POLLIN };
            for (int i = 0; i < n; i++) _fds[3 + i] = new pollfd { fd = _channels[i], events = POLLIN };
            if (core.Poll(_fds, timeoutMs) == 0)
            {
                ChildrenChanged(core);
                continue;
            }
            int changes = _changes;
            if (_fds[0].revents != 0 && core.HandleSignals()) return core.Stop();
            if (_fds[2].revents != 0) Relay();
            if (changes != _changes) continue;
            for (int i = 0; i < n; i++)
            {
                if (_fds[3 + i].revents == 0 || _channels[i] < 0) continue;
                nint got = LibC.read(_channels[i], rc);
                if (got > 0) _busy[i] = false; // ready again
                else if (got == 0 || Errno.Last != EINTR) ChildGone(i); // terminated: SIGCHLD brings a new one
            }
            if (_fds[1].revents != 0 && PassSome(core) is int fatal and not 0) return core.FatalAcceptError(fatal);
        }
    }

    /// <summary>Accepts while a child is idle, and passes each connection to one; 0, or a fatal accept errno.</summary>
    private int PassSome(ServerCore core)
    {
        Span<byte> one = stackalloc byte[1];
        while (IdleSlot() >= 0)
        {
            int connfd = core.Listener.Accept(out int fatal);
            if (connfd < 0) return fatal;
            bool passed = false;
            for (int slot; !passed && (slot = IdleSlot()) >= 0; )
            {
                if (FdPassing.WriteFd(_channels[slot], one, connfd) > 0)
                {
                    _busy[slot] = true;
                    passed = true;
                }
                else
                {
                    // That child has just died: the next idle one takes the connection.
                    Log.Error(Log.Line().Add("write_fd error: "u8).AddErrno(Errno.Last));
                    ChildGone(slot);
                }
            }
            LibC.close(connfd); // the child has its own copy now (or, with none left, the client is closed)
        }
        return 0;
    }

    private int IdleSlot()
    {
        for (int i = 0; i < _channels.Length; i++) if (_channels[i] >= 0 && !_busy[i]) return i;
        return -1;
    }
}
