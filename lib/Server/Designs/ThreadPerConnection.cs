// UNP 30.10 serv06: one thread per connection, no fork. The main thread accepts; each
// connection gets a thread of its own, named after its client ("echo 127.0.0.1"), so that
// ps -L and /proc/PID/task show one thread per client where the fork design shows one process.
//
//   for ( ; ; ) {
//       connfd = Accept(listenfd, cliaddr, &clilen);
//       Pthread_create(&tid, NULL, &doit, (void *) connfd);
//   }
//   static void *doit(void *arg) { Pthread_detach(pthread_self()); web_child((int) arg); Close((int) arg); return NULL; }
//
// As in every design here, the main thread's accept() sits in a poll() with the signalfd
// (fork-safety R2's unified event source), and with the pipe a thread writes when its
// connection ends, so that at --max-children (here: threads at once) accepting resumes.
// The threads inherit the main thread's signal mask (R1): only the signalfd sees the signals.
using UnpServers.Interop;
using UnpServers.Unp;

namespace UnpServers.Server.Designs;

public sealed class ThreadPerConnection : ServerDesign
{
    private ThreadedConnections _conns = null!;
    /// <summary>A connection accepted whose thread could not start: it waits, as it would in the backlog, for the next try; -1 when none.</summary>
    private int _waiting = -1;

    public override void Prepare(ServerCore core) => _conns = new ThreadedConnections();

    public override int Active(ServerCore core) => _conns.Active;

    public override int Serve(ServerCore core)
    {
        for (;;)
        {
            bool accepting = core.Listener.AcceptingNow(_conns.Active, out int timeoutMs);
            if (!accepting)
            {
                _conns.WakeOnNextClose(); // then look again: a connection that ended meanwhile is seen
                accepting = core.Listener.AcceptingNow(_conns.Active, out timeoutMs);
            }
            if (accepting && _waiting >= 0)
            {
                int connfd = _waiting;
                _waiting = -1;
                if (!StartThread(core, connfd)) accepting = core.Listener.AcceptingNow(_conns.Active, out timeoutMs); // paused again
            }
            Ready ready = core.Wait(accepting, _conns.WakeFd, timeoutMs);
            if (ready == Ready.Stop) return core.Stop();
            if ((ready & Ready.Other) != 0) _conns.DrainWake(); // a connection ended: room under --max-children
            if ((ready & Ready.Listener) != 0 && AcceptSome(core) is int fatal and not 0) return core.FatalAcceptError(fatal);
        }
    }

    /// <summary>Accepts what is queued, one thread per connection; returns 0, or the errno of a fatal accept error.</summary>
    private int AcceptSome(ServerCore core)
    {
        for (int burst = 0; burst < Tunables.AcceptBurst && _conns.Active < core.Options.MaxChildren; burst++)
        {
            int connfd = core.Listener.Accept(out int fatal);
            if (connfd < 0) return fatal;
            _conns.Add(connfd);
            if (!StartThread(core, connfd)) return 0;
        }
        return 0;
    }

    /// <summary>
    /// Pthread_create for connfd; false if it failed (EAGAIN: out of threads or memory). Then
    /// the client is not closed: it waits, as in the backlog, while accepting pauses (100 ms,
    /// doubling to 1.6 s: no accept in between resets the pause), and its thread is tried again.
    /// </summary>
    private bool StartThread(ServerCore core, int connfd)
    {
        try
        {
            _conns.Start(ThreadName(connfd), () => Doit(core, connfd));
            return true;
        }
        catch (UnpException e)
        {
            Log.Error(e.Message + "; the client waits");
            _waiting = connfd;
            core.Listener.PauseAccepting();
            return false;
        }
    }

    /// <summary>doit: serve, then close; the thread ends (a .NET thread needs no pthread_detach).</summary>
    private void Doit(ServerCore core, int connfd)
    {
        core.Service.Serve(connfd, connfd);
        _conns.Close(connfd);
    }

    /// <summary>"echo 127.0.0.1": the client's address (getpeername), or "echo fd 7" once the client has gone.</summary>
    private static string ThreadName(int connfd)
    {
        sockaddr_storage peer = default;
        uint len = 128;
        return LibC.getpeername(connfd, ref peer, ref len) == 0 ? "echo " + Sockets.HostText(ref peer) : $"echo fd {connfd}";
    }

    public override void LogStats(ServerCore core)
    {
        core.Stats.PeakActive = _conns.Peak;
        core.LogStats(_conns.Active);
    }

    /// <summary>Every connection shut down (which wakes its thread), the threads joined within a bound, "stopped".</summary>
    public override void StopConnections(ServerCore core)
    {
        if (_waiting >= 0) _conns.Close(_waiting); // no thread serves it
        _conns.BeginStop(-1); // the listener is closed already: the main thread alone accepts
        _conns.LogStopped(_conns.Join(Tunables.StopGraceMs));
    }
}
