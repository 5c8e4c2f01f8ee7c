// UNP 30.8 lock_pthread.c: accept() serialised by a pthread mutex that lives in memory the
// parent and its children share (MAP_SHARED | MAP_ANONYMOUS), made PTHREAD_PROCESS_SHARED.
// Unlike the book's, it is also ROBUST: a child killed while holding it (SIGKILL in accept)
// would otherwise leave it locked for ever and hang every other child. With a robust mutex
// the next locker gets EOWNERDEAD, holds the lock, and marks it consistent again.
using System.Runtime.InteropServices;
using UnpServers.Interop;

namespace UnpServers.Unp;

public sealed class LockPthread : AcceptLock
{
    private readonly nint _mutex;

    private LockPthread(nint mutex) => _mutex = mutex;

    /// <summary>
    /// my_lock_init: map the mutex and initialise it; called in the parent, before the first
    /// fork. Null if a call fails: its name in failed, its error in errno.
    /// </summary>
    [BeforeFork]
    public static LockPthread? Init(out string failed)
    {
        failed = "mmap";
        nint p = LibC.mmap(0, LibC.PTHREAD_MUTEX_SIZE + LibC.PTHREAD_MUTEXATTR_SIZE, PROT_READ | PROT_WRITE,
                           MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (p == LibC.MAP_FAILED) return null;
        nint attr = p + LibC.PTHREAD_MUTEX_SIZE;
        // The pthread calls return their error instead of setting errno.
        int rc;
        if ((rc = LibC.pthread_mutexattr_init(attr)) != 0) failed = "pthread_mutexattr_init";
        else if ((rc = LibC.pthread_mutexattr_setpshared(attr, LibC.PTHREAD_PROCESS_SHARED)) != 0) failed = "pthread_mutexattr_setpshared";
        else if ((rc = LibC.pthread_mutexattr_setrobust(attr, LibC.PTHREAD_MUTEX_ROBUST)) != 0) failed = "pthread_mutexattr_setrobust";
        else if ((rc = LibC.pthread_mutex_init(p, attr)) != 0) failed = "pthread_mutex_init";
        if (rc != 0)
        {
            Marshal.SetLastPInvokeError(rc);
            return null;
        }
        LibC.pthread_mutexattr_destroy(attr);
        return new LockPthread(p);
    }

    public override int Wait()
    {
        int rc = LibC.pthread_mutex_lock(_mutex);
        // The holder died (killed in accept()): the mutex is ours now, but marked
        // inconsistent. Nothing it guards can be half-updated, so make it usable again.
        if (rc == EOWNERDEAD) rc = LibC.pthread_mutex_consistent(_mutex);
        return rc;
    }

    public override int Release() => LibC.pthread_mutex_unlock(_mutex);
}
