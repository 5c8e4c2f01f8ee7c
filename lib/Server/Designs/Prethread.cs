// UNP 30.11 serv07: N threads created at start, each accepting on the shared listener under
// a mutex, so that one thread at a time blocks in accept() (the book's thread_make, thread_main):
//
//   for ( ; ; ) {
//       Pthread_mutex_lock(&mlock);
//       connfd = Accept(listenfd, cliaddr, &clilen);
//       Pthread_mutex_unlock(&mlock);
//       tptr[(int) arg].thread_count++;
//       web_child(connfd);
//       Close(connfd);
//   }
//
// The main thread only reads the signalfd (R2). To stop, it shuts the listener down: the
// thread blocked in accept() fails with EINVAL and the others, one by one under the mutex,
// do the same (close() alone would leave them blocked: Linux does not wake an accept on close).
// Connections at once: the N threads, --workers; --max-children does not apply.
using UnpServers.Interop;
using UnpServers.Unp;

namespace UnpServers.Server.Designs;

public sealed class Prethread : ServerDesign
{
    private const int StopGraceMs = 5000;

    private readonly Lock _mlock = new(); // UNP's mlock, around accept()
    private ThreadedConnections _conns = null!;
    private long[] _threadCount = []; // tptr[i].thread_count: figure 30.13's distribution

    public override void Prepare(ServerCore core)
    {
        _conns = new ThreadedConnections();
        _threadCount = new long[core.Options.Workers];
        // The threads block in accept(); the core made the listener non-blocking for poll().
        int flags = LibC.fcntl(core.ListenFd, LibC.F_GETFL, 0);
        if (flags < 0 || LibC.fcntl(core.ListenFd, LibC.F_SETFL, flags & ~LibC.O_NONBLOCK) < 0) throw new UnpException("fcntl", Errno.Last);
    }

    public override int Active(ServerCore core) => _conns.Active;

    public override int Serve(ServerCore core)
    {
        for (int i = 0; i < _threadCount.Length; i++)
        {
            int index = i;
            _conns.Start($"prethread {i}", () => ThreadMain(core, index)); // thread_make
        }
        Span<pollfd> fds = stackalloc pollfd[2];
        for (;;)
        {
            fds[0] = new pollfd { fd = core.Signals.Fd, events = LibC.POLLIN };
            fds[1] = new pollfd { fd = _conns.WakeFd, events = LibC.POLLIN };
            if (core.Poll(fds, -1) == 0) continue;
            if (fds[0].revents != 0 && core.HandleSignals())
            {
                _conns.BeginStop(core.ListenFd); // before core.Stop closes it
                return core.Stop();
            }
            if (fds[1].revents == 0) continue;
            _conns.DrainWake();
            if (_conns.Fatal is int fatal and not 0)
            {
                _conns.BeginStop(core.ListenFd);
                return core.FatalAcceptError(fatal);
            }
        }
    }

    private void ThreadMain(ServerCore core, int index)
    {
        for (;;)
        {
            int connfd;
            lock (_mlock)
            {
                if (_conns.Stopping) return;
                connfd = core.Accept(out int fatal);
                if (connfd < 0)
                {
                    if (fatal != 0)
                    {
                        if (!_conns.Stopping) _conns.SetFatal(fatal); // the listener's EINVAL at a stop is no error
                        return;
                    }
                    // Out of descriptors: the core paused accepting. Wait it out holding the
                    // mutex; the other threads' accept() would fail the same way.
                    if (!core.AcceptingNow(0, out int pauseMs) && pauseMs > 0) Thread.Sleep(pauseMs);
                    continue;
                }
            }
            Interlocked.Increment(ref _threadCount[index]);
            if (!_conns.Add(connfd))
            {
                LibC.close(connfd); // stopping
                return;
            }
            core.Service.Serve(connfd, connfd);
            _conns.Close(connfd);
        }
    }

    public override void LogStats(ServerCore core)
    {
        core.Stats.PeakActive = _conns.Peak;
        core.LogStats(_conns.Active);
        LogThreadCounts(_threadCount);
    }

    /// <summary>UNP 30.11's sig_int: how many connections each thread served.</summary>
    internal static void LogThreadCounts(long[] counts)
    {
        LogLine line = Log.Line().Add("connections per thread:"u8);
        for (int i = 0; i < counts.Length; i++) line.Add(" "u8).Add(Interlocked.Read(ref counts[i]));
        Log.Info(line);
    }

    public override void StopConnections(ServerCore core)
    {
        _conns.BeginStop(-1);
        int left = _conns.Join(StopGraceMs);
        LogThreadCounts(_threadCount);
        _conns.LogStopped(left);
    }
}
