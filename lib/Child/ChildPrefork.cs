// UNP 30.6: child_make and child_main, what every pre-forked child shares whatever its turn:
//     pid_t child_make(int i, int listenfd, int addrlen) {
//         if ( (pid = Fork()) > 0) return(pid);      /* parent */
//         child_main(i, listenfd, addrlen);          /* never returns */
//     }
// Both child_makes are here, and child_main's loop once (PreforkedChild); its turn is child02.c's
// (ChildAccept.cs) or child05.c's (ChildReceive.cs). Unlike the book's, a child lives only as
// long as its parent.
using UnpServers.Interop;
using UnpServers.Unp;

namespace UnpServers.Child;

public static partial class ChildMain
{
    /// <summary>What a pre-forked child's turn returns to go on; anything else is its exit status.</summary>
    public const int GoOn = -1;

    /// <summary>
    /// child_make for child02.c: a child that takes AcceptAndServe's turns on the listener it
    /// keeps, counting its connections in meter[slot], until it is killed. The child's pid in
    /// the parent, or -1 with errno.
    /// </summary>
    public static int ForkAndAccept(int listenfd, PreforkLoop loop, ConnectionService service, int slot)
        => PreforkedChild(listenfd, passing: false, loop, service, slot);

    /// <summary>
    /// child_make for child05.c: a child that takes ReceiveAndServe's turns on its end of the
    /// channel, until the parent closes it or kills the child. The child's pid in the parent,
    /// or -1 with errno.
    /// </summary>
    public static int ForkAndReceive(int channel, PreforkLoop loop, ConnectionService service, int slot)
        => PreforkedChild(channel, passing: true, loop, service, slot);

    /// <summary>
    /// child_make's fork and child_main's loop: a child that takes one turn after another on fd
    /// until a turn returns its exit status.
    /// </summary>
    private static int PreforkedChild(int fd, bool passing, PreforkLoop loop, ConnectionService service, int slot)
    {
        int parent = LibC.getpid();
        int pid = Fork();
        if (pid != 0) return pid;

        // With --log, its lines go to the file through the parent (Log.Relay.cs says why): the
        // log's descriptor becomes the relay's pipe first, so that it is the one the prologue keeps.
        Log.UseRelay();
        Prologue(fd, Log.FileFd, loop.Lock.Fd);
        DieWithParent(parent);
        for (;;) // child_main
        {
            long allocated = AllocationReport.Start();
            int status = passing ? ReceiveAndServe(fd, loop, service, slot) : AcceptAndServe(fd, loop, service, slot);
            AllocationReport.End(allocated);
            if (status != GoOn) LibC._exit(status); // the parent forks another in its place
        }
    }

    /// <summary>"child PID: what strerror (ENAME)", and the exit status 1.</summary>
    private static int Failed(ReadOnlySpan<byte> what, int err)
    {
        Log.Error(Log.Line().Add("child "u8).Add(LibC.getpid()).Add(": "u8).Add(what).AddErrno(err));
        return 1;
    }

    /// <summary>
    /// A parent killed by SIGKILL would otherwise leave its children accepting on its port for
    /// ever; a child forked while the parent was dying leaves at once (getppid() changed
    /// before prctl took effect).
    /// </summary>
    private static void DieWithParent(int parent)
    {
        LibC.prctl(LibC.PR_SET_PDEATHSIG, (nuint)SIGTERM, 0, 0, 0);
        if (LibC.getppid() != parent) LibC._exit(0);
    }
}

/// <summary>
/// What a pre-forked child runs besides its service (UNP 30.6-30.9): the lock around accept(),
/// the shared meter it counts its connections in, and --keepalive, which it sets itself on
/// the sockets it accepts. Built in the parent, before the first fork.
/// </summary>
public sealed class PreforkLoop(AcceptLock @lock, Meter meter, int keepaliveSeconds)
{
    public AcceptLock Lock { get; } = @lock;
    public Meter Meter { get; } = meter;
    public int KeepaliveSeconds { get; } = keepaliveSeconds;
}
