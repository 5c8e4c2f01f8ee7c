// UNP 30.7 serv03: the pre-forked server with accept() serialised by an fcntl() record lock
// (lock_fcntl.c, here lib/Unp/LockFcntl.cs): one child at a time waits in accept(), the
// others wait for the lock. Everything else is Prefork's (30.6). A child killed while
// holding the lock loses it with its life: the kernel releases a dead process's record locks.
using UnpServers.Unp;

namespace UnpServers.Server.Designs;

public sealed class PreforkFlock : Prefork
{
    protected override AcceptLock CreateLock() => LockFcntl.Init() ?? throw new UnpException("mkstemp", Errno.Last); // my_lock_init("/tmp/lock.XXXXXX")
}
