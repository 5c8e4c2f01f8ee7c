// UNP 30.8 serv04: the pre-forked server with accept() serialised by a pthread mutex shared
// between processes (lock_pthread.c, here lib/Child/LockPthread.cs: PTHREAD_PROCESS_SHARED, in
// MAP_SHARED memory). Made robust, so a child killed holding it does not hang the others.
// Everything else is Prefork's (30.6).
using UnpServers.Unp;

namespace UnpServers.Server.Designs;

public sealed class PreforkMutex : Prefork
{
    protected override AcceptLock CreateLock() => LockPthread.Init(out string failed) ?? throw new UnpException(failed, Errno.Last); // my_lock_init(NULL)
}
