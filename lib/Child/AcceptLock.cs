// UNP 30.7, 30.8: my_lock_wait / my_lock_release around a pre-forked child's accept(). Each
// kind is one file (LockFcntl.cs, LockPthread.cs, as the book's lock_fcntl.c and
// lock_pthread.c); NoLock is 30.6, every child in accept() at once.
// Wait and Release run in a forked child: they allocate nothing, throw nothing, and
// return 0 or an errno.
namespace UnpServers.Unp;

public abstract class AcceptLock
{
    /// <summary>The descriptor the lock lives on, which a child keeps open; -1 for none.</summary>
    public virtual int Fd => -1;

    /// <summary>my_lock_wait: blocks until this process holds the lock; 0, or an errno.</summary>
    public abstract int Wait();

    /// <summary>my_lock_release: 0, or an errno.</summary>
    public abstract int Release();
}

/// <summary>UNP 30.6: no lock; the kernel decides which child's accept() gets the connection.</summary>
public sealed class NoLock : AcceptLock
{
    public override int Wait() => 0;

    public override int Release() => 0;
}
