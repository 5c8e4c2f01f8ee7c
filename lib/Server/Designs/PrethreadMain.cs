// UNP 30.12 serv08: N threads created at start; the main thread alone accepts, and hands
// each connection to them through UNP's clifd array, guarded by a mutex and a condition
// variable (here the lock object and Monitor.Wait/Pulse):
//
//   main:        for ( ; ; ) {
//                    connfd = Accept(listenfd, cliaddr, &clilen);
//                    Pthread_mutex_lock(&clifd_mutex);
//                    clifd[iput] = connfd;
//                    if (++iput == MAXNCLI) iput = 0;
//                    if (iput == iget) err_quit("iput = iget = %d", iput);
//                    Pthread_cond_signal(&clifd_cond);
//                    Pthread_mutex_unlock(&clifd_mutex);
//                }
//   thread_main: for ( ; ; ) {
//                    Pthread_mutex_lock(&clifd_mutex);
//                    while (iget == iput) Pthread_cond_wait(&clifd_cond, &clifd_mutex);
//                    connfd = clifd[iget];
//                    if (++iget == MAXNCLI) iget = 0;
//                    Pthread_mutex_unlock(&clifd_mutex);
//                    tptr[(int) arg].thread_count++;
//                    web_child(connfd);
//                    Close(connfd);
//                }
//
// Where the book gives up when the array is full, the main thread here stops accepting until
// a thread takes one (the connections wait in the backlog). The main thread's accept() sits
// in a poll() with the signalfd (R2) and the pipe a thread writes when a connection ends while
// the main thread waits for room.
// --max-children: connections accepted and not yet finished (served or waiting in clifd).
using UnpServers.Interop;

namespace UnpServers.Server.Designs;

public sealed class PrethreadMain : ServerDesign
{
    private const int MaxNCli = 32; // UNP's MAXNCLI

    private readonly object _clifdLock = new(); // clifd_mutex, and clifd_cond through Monitor
    private readonly int[] _clifd = new int[MaxNCli];
    private int _iget, _iput, _queued;
    private ThreadedConnections _conns = null!;
    private long[] _threadCount = [];

    public override void Prepare(ServerCore core)
    {
        _conns = new ThreadedConnections();
        _threadCount = new long[core.Options.Workers];
    }

    public override int Active(ServerCore core)
    {
        lock (_clifdLock) return _conns.Active + _queued;
    }

    public override int Serve(ServerCore core)
    {
        for (int i = 0; i < _threadCount.Length; i++)
        {
            int index = i;
            _conns.Start($"worker {i}", () => ThreadMain(core, index));
        }
        for (;;)
        {
            bool accepting = core.Listener.AcceptingNow(Active(core), out int timeoutMs) && !ClifdFull();
            if (!accepting)
            {
                _conns.WakeOnNextClose(); // then look again: a connection that ended meanwhile is seen
                accepting = core.Listener.AcceptingNow(Active(core), out timeoutMs) && !ClifdFull();
            }
            Ready ready = core.Wait(accepting, _conns.WakeFd, timeoutMs);
            if (ready == Ready.Stop) return core.Stop();
            if ((ready & Ready.Other) != 0) _conns.DrainWake(); // a connection ended: room again
            if ((ready & Ready.Listener) != 0 && AcceptSome(core) is int fatal and not 0) return core.FatalAcceptError(fatal);
        }
    }

    private bool ClifdFull()
    {
        lock (_clifdLock) return _queued == MaxNCli;
    }

    private int AcceptSome(ServerCore core)
    {
        for (int burst = 0; burst < Tunables.AcceptBurst && Active(core) < core.Options.MaxChildren && !ClifdFull(); burst++)
        {
            int connfd = core.Listener.Accept(out int fatal);
            if (connfd < 0) return fatal;
            lock (_clifdLock)
            {
                _clifd[_iput] = connfd;
                if (++_iput == MaxNCli) _iput = 0;
                _queued++;
                Monitor.Pulse(_clifdLock); // Pthread_cond_signal
            }
        }
        return 0;
    }

    private void ThreadMain(ServerCore core, int index)
    {
        for (;;)
        {
            int connfd;
            lock (_clifdLock)
            {
                while (_queued == 0 && !_conns.Stopping) Monitor.Wait(_clifdLock); // Pthread_cond_wait
                if (_conns.Stopping) return;
                connfd = _clifd[_iget];
                if (++_iget == MaxNCli) _iget = 0;
                _queued--;
                // Registered before the mutex is let go, so Active never misses it in between.
                if (!_conns.Add(connfd))
                {
                    LibC.close(connfd);
                    return;
                }
            }
            Interlocked.Increment(ref _threadCount[index]);
            core.Service.Serve(connfd, connfd);
            _conns.Close(connfd);
        }
    }

    public override void LogStats(ServerCore core)
    {
        core.Stats.PeakActive = _conns.Peak;
        core.LogStats(Active(core));
        Prethread.LogThreadCounts(_threadCount);
    }

    /// <summary>Connections shut down, threads woken from their wait, those still queued closed unserved, threads joined.</summary>
    public override void StopConnections(ServerCore core)
    {
        _conns.BeginStop(-1);
        lock (_clifdLock)
        {
            Monitor.PulseAll(_clifdLock);
            for (; _queued > 0; _queued--)
            {
                LibC.close(_clifd[_iget]);
                if (++_iget == MaxNCli) _iget = 0;
            }
        }
        int left = _conns.Join(Tunables.StopGraceMs);
        Prethread.LogThreadCounts(_threadCount);
        _conns.LogStopped(left);
    }
}
