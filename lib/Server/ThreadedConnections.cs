// The connections the thread designs (UNP 30.10-30.12) serve, each on a thread of its own
// process: how many (the stats line, --max-children), and how to end them all at a stop.
// close() does not wake a thread blocked in read() or accept() on Linux; shutdown() does (the
// read returns 0, the accept fails with EINVAL). So stopping shuts every connection down, and
// the thread serving it closes it. Its owner alone closes a descriptor, under the lock: the
// main thread never shuts down a number that was closed and handed to someone else.
using UnpServers.Interop;
using UnpServers.Unp;

namespace UnpServers.Server;

public sealed class ThreadedConnections
{
    private readonly Lock _lock = new();
    private readonly HashSet<int> _fds = [];
    private readonly List<Thread> _threads = [];
    private readonly int _wakeRead, _wakeWrite;
    private volatile bool _stopping;
    private bool _wakeOnClose;
    private volatile int _active; // _fds.Count, for a look without the lock
    private int _fatal;

    /// <summary>The self-pipe: readable when a connection has ended (once asked, WakeOnNextClose) or a worker's accept failed, for the main thread's poll().</summary>
    public int WakeFd => _wakeRead;

    /// <summary>
    /// The main thread waits for room (--max-children, a full clifd): the next connection to end
    /// wakes it. It looks at its room again after this call, so an end in between is not missed.
    /// Not asked, an end costs the main thread nothing (prethread's never asks).
    /// </summary>
    public void WakeOnNextClose()
    {
        lock (_lock) _wakeOnClose = true;
    }

    public ThreadedConnections()
    {
        if (LibC.pipe2(out _wakeRead, out _wakeWrite, O_NONBLOCK | O_CLOEXEC) < 0) throw new UnpException("pipe2", Errno.Last);
    }

    /// <summary>
    /// Connections being served now. Read without the lock, which a thread holds across its
    /// close(2): the main thread looks at it several times a connection.
    /// </summary>
    public int Active => _active;

    /// <summary>The most served at once.</summary>
    public int Peak { get; private set; }

    public bool Stopping => _stopping;

    /// <summary>A worker's accept() failed in a way that ends the server (its errno), or 0.</summary>
    public int Fatal { get { lock (_lock) return _fatal; } }

    /// <summary>
    /// Starts a thread named name (its Linux comm: ps -L, /proc/PID/task/TID/comm; at most 15
    /// bytes). A failed pthread_create is an UnpException saying
    /// "pthread_create error: Resource temporarily unavailable (EAGAIN)". The runtime keeps
    /// pthread_create's result to itself (it throws OutOfMemoryException), but EAGAIN is the
    /// only one it can be here: out of threads (RLIMIT_NPROC, threads-max) or of memory for
    /// the stack; EINVAL and EPERM need attributes the runtime does not set.
    /// </summary>
    public Thread Start(string name, ThreadStart body)
    {
        ThreadStart run = () =>
        {
            Log.AttachThread(); // its own line buffer: Log.Line() is per thread
            body();
        };
        var t = new Thread(run, Tunables.ThreadStackBytes) { Name = name.Length > 15 ? name[..15] : name, IsBackground = true };
        lock (_lock)
        {
            _threads.RemoveAll(x => !x.IsAlive && !x.ThreadState.HasFlag(ThreadState.Unstarted));
            _threads.Add(t);
        }
        try
        {
            t.Start();
        }
        catch (Exception e) when (e is OutOfMemoryException or ThreadStartException)
        {
            lock (_lock) _threads.Remove(t); // nothing to join
            throw new UnpException("pthread_create", EAGAIN);
        }
        return t;
    }

    /// <summary>Takes connfd as served; false when stopping (the caller closes it unserved).</summary>
    public bool Add(int connfd)
    {
        lock (_lock)
        {
            if (_stopping) return false;
            _fds.Add(connfd);
            _active = _fds.Count;
            Peak = Math.Max(Peak, _fds.Count);
            return true;
        }
    }

    /// <summary>The connection is done: close it (under the lock, see above) and wake the main thread if it asked.</summary>
    public void Close(int connfd)
    {
        bool wake;
        lock (_lock)
        {
            _fds.Remove(connfd);
            LibC.close(connfd);
            _active = _fds.Count; // after the close: never one descriptor past --max-children
            wake = _wakeOnClose;
            _wakeOnClose = false;
        }
        if (wake) Wake();
    }

    /// <summary>A worker's fatal accept() error: the main thread ends the server (unless it is stopping anyway).</summary>
    public void SetFatal(int err)
    {
        lock (_lock) if (_fatal == 0) _fatal = err;
        Wake();
    }

    private void Wake()
    {
        Span<byte> one = [1];
        LibC.write(_wakeWrite, one); // EAGAIN: the pipe is full of wake-ups already, which is as good
    }

    /// <summary>After poll() said WakeFd is readable: empties it.</summary>
    public void DrainWake()
    {
        Span<byte> buf = stackalloc byte[256];
        while (LibC.read(_wakeRead, buf) > 0) { }
    }

    /// <summary>
    /// Stopping, before the listener is closed: no connection is taken from now on; the
    /// listener (when threads block in accept on it, or -1) and every connection being served
    /// are shut down, which wakes the threads blocked on them.
    /// </summary>
    public void BeginStop(int listenfd)
    {
        lock (_lock)
        {
            _stopping = true;
            if (listenfd >= 0) LibC.shutdown(listenfd, SHUT_RDWR);
            foreach (int fd in _fds) LibC.shutdown(fd, SHUT_RDWR);
        }
    }

    /// <summary>
    /// After BeginStop: waits up to timeoutMs for every thread to end. Returns how many did
    /// not (they are background threads: they do not hold the process's exit).
    /// </summary>
    public int Join(int timeoutMs)
    {
        Thread[] threads;
        lock (_lock) threads = [.. _threads];
        long deadline = Environment.TickCount64 + timeoutMs;
        int left = 0;
        foreach (Thread t in threads)
        {
            if (t.ThreadState.HasFlag(ThreadState.Unstarted)) continue;
            if (!t.Join((int)Math.Max(0, deadline - Environment.TickCount64))) left++;
        }
        return left;
    }

    /// <summary>"stopped", or how many threads outlived the grace period.</summary>
    public void LogStopped(int left)
        => Log.Info(left == 0 ? "stopped" : $"stopped; {left} threads did not exit");
}
