// What a forked child does with its connection (UNP 5.3 str_echo, 1.5 daytime): the service
// the servers hand to their children, threads or event loops.
namespace UnpServers.Child;

/// <summary>
/// What a child does with its connection: UNP's str_echo, or the daytime reply. Serve runs
/// in the child after fork(), so it obeys fork-safety R4: it allocates nothing, throws
/// nothing, and takes every buffer from the stack or from the parent.
/// </summary>
public abstract class ConnectionService
{
    /// <summary>Close a connection idle this long (milliseconds); 0: never.</summary>
    public int IdleTimeoutMs { get; set; }

    /// <summary>
    /// Set only where the process that accepted serves the client itself (the iterative server,
    /// UNP 1.5): a descriptor the service polls with its connection, before every read and
    /// whenever a write would block, so the server's signals are handled while a client is
    /// served. Null in a forked child and in the thread designs, whose main thread reads the
    /// signals.
    /// </summary>
    public ServingWatch? Watch { get; set; }

    /// <summary>
    /// The service writes the local time (daytime): the parent reads the time zone before each
    /// connection (Clock.ReadZone), since a child may not call libc's time-zone functions.
    /// </summary>
    public virtual bool UsesLocalTime => false;

    /// <summary>
    /// Serves one connection until done; the result is the child's exit status. infd and
    /// outfd are the same socket after accept(), and may differ under a super-server (--inetd).
    /// </summary>
    public abstract int Serve(int infd, int outfd);
}

/// <summary>What ConnectionService.Watch names: a descriptor (the signalfd), and what to do when it is readable.</summary>
public abstract class ServingWatch
{
    public abstract int Fd { get; }

    /// <summary>Fd is readable: handle what it holds; true when the service must stop serving now.</summary>
    public abstract bool Handle();
}
