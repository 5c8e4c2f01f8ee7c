// Fork-safety R4 (docs/fork-safety.md): a forked child must meet nothing for the first time
// (a static constructor, a first call). Before the first fork the parent runs every static
// constructor of the child's assembly and takes each turn a child takes, error paths included.
using System.Runtime.CompilerServices;
using UnpServers.Child;
using UnpServers.Interop;
using UnpServers.Unp;

namespace UnpServers.ForkSafety;

public static class Rehearsal
{
    /// <summary>The idle time-out the rehearsal serves with: long enough to exercise the timed paths, short enough not to be noticed.</summary>
    private const int IdleMs = 1;

    /// <summary>
    /// Rehearses service's child path (and a pre-forked child's loop, if any); call once,
    /// before the first fork. The live service's settings are put back when it returns.
    /// </summary>
    public static void Run(ConnectionService service, PreforkLoop? loop = null)
    {
        RunStaticConstructors();
        int live = service.IdleTimeoutMs;
        int devnull = LibC.open("/dev/null\0"u8, O_WRONLY | O_CLOEXEC, 0);
        if (devnull < 0) throw new UnpException("open", Errno.Last);
        (int info, int error) = (Log.InfoFd, Log.ErrorFd);
        Log.InfoFd = Log.ErrorFd = devnull;
        try
        {
            foreach (int idleMs in (int[])[0, IdleMs]) // untimed and timed reads and writes
            {
                service.IdleTimeoutMs = idleMs;
                ServeCases(service);
                if (loop != null) LoopCases(service, loop);
            }
            AllocationReport.End(AllocationReport.Start());
        }
        finally
        {
            service.IdleTimeoutMs = live;
            (Log.InfoFd, Log.ErrorFd) = (info, error);
            LibC.close(devnull);
        }

        // Leave nothing for a GC to do around the first fork, and give back what start-up
        // used: fork() copies the page tables of every resident page, once per connection.
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        LibC.malloc_trim(0);
    }

    /// <summary>
    /// Every type of UnpServers.Child.dll that has a static constructor, run here, in the
    /// parent: under AOT a first use would run it in the child, with the runtime's locks.
    /// ChildCodeTests checks that the list is complete.
    /// </summary>
    private static void RunStaticConstructors()
    {
        RuntimeHelpers.RunClassConstructor(typeof(ChildMain).TypeHandle);
        RuntimeHelpers.RunClassConstructor(typeof(Errno).TypeHandle);
        RuntimeHelpers.RunClassConstructor(typeof(Log).TypeHandle);
        RuntimeHelpers.RunClassConstructor(typeof(Signals).TypeHandle);
        RuntimeHelpers.RunClassConstructor(typeof(Stdio).TypeHandle);
    }

    /// <summary>What a fork-per-connection child meets: data then EOF, a peer gone, a bad descriptor, an idle peer, a peer that never reads.</summary>
    private static void ServeCases(ConnectionService service)
    {
        Pair(out int a, out int b);
        LibC.write(b, "rehearsal\n"u8);
        LibC.shutdown(b, SHUT_WR);
        service.Serve(a, a);
        Span<byte> drain = stackalloc byte[64];
        LibC.read(b, drain);
        LibC.close(a);
        LibC.close(b);

        // The peer has gone: writes fail with EPIPE (SIGPIPE is ignored in the parent).
        Pair(out a, out b);
        LibC.write(b, "x"u8);
        LibC.close(b);
        service.Serve(a, a);
        LibC.close(a);

        service.Serve(-1, -1); // a read error

        if (service.IdleTimeoutMs == 0) return; // the two cases below would wait for ever
        Pair(out a, out b);
        service.Serve(a, a); // an idle peer
        LibC.close(a);
        LibC.close(b);

        Pair(out a, out b); // a peer that sends and never reads: the echo's write times out
        LibC.setsockopt(a, SOL_SOCKET, SO_SNDBUF, 4096);
        Span<byte> chunk = stackalloc byte[4096];
        for (int i = 0; i < 1024 && LibC.send(b, chunk, MSG_DONTWAIT) > 0; i++) { }
        service.Serve(a, a);
        LibC.close(a);
        LibC.close(b);
    }

    /// <summary>
    /// A pre-forked child's turns, on a private listener (an abstract Unix-domain socket, so no
    /// port is taken) and on a socketpair channel: lock, accept, unlock, count, serve; read_fd,
    /// serve, the byte back; and their error paths. The meter slot used is zeroed afterwards.
    /// </summary>
    private static void LoopCases(ConnectionService service, PreforkLoop loop)
    {
        sockaddr_storage any6 = Addresses.In6Any(9, out _), any4 = Addresses.InAny(9, out _);
        Accept.LogPeer(ref any6); // the peer line, for both families a child can meet
        Accept.LogPeer(ref any4);
        Accept.LogRetry(ECONNABORTED);

        int listenfd = LibC.socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (listenfd < 0) throw new UnpException("socket", Errno.Last);
        sockaddr_storage addr = default;
        addr.ss_family = AF_UNIX;
        uint len = 2; // sizeof(sa_family_t) only: the kernel picks an abstract name (unix(7), autobind)
        if (LibC.bind(listenfd, ref addr, len) < 0 || LibC.listen(listenfd, 1) < 0) throw new UnpException("bind", Errno.Last);
        len = 128;
        LibC.getsockname(listenfd, ref addr, ref len);
        int client = LibC.socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (client < 0 || LibC.connect(client, ref addr, len) < 0) throw new UnpException("connect", Errno.Last);
        LibC.write(client, "rehearsal\n"u8);
        LibC.shutdown(client, SHUT_WR);
        ChildMain.AcceptAndServe(listenfd, loop, service, 0);
        LibC.close(client);
        LibC.close(listenfd);
        ChildMain.AcceptAndServe(-1, loop, service, 0); // accept fails: EBADF

        Pair(out int parent, out int child);
        Pair(out int a, out int b);
        LibC.write(b, "rehearsal\n"u8);
        LibC.shutdown(b, SHUT_WR);
        if (FdPassing.WriteFd(parent, "x"u8, a) < 0) throw new UnpException("sendmsg", Errno.Last);
        LibC.close(a);
        ChildMain.ReceiveAndServe(child, loop, service, 0);
        Span<byte> one = stackalloc byte[1];
        LibC.read(parent, one);
        LibC.close(b);
        LibC.write(parent, "x"u8); // a byte without a descriptor
        ChildMain.ReceiveAndServe(child, loop, service, 0);
        LibC.close(parent);
        ChildMain.ReceiveAndServe(child, loop, service, 0); // EOF
        LibC.close(child);

        loop.Meter.Reset(0);
    }

    private static void Pair(out int a, out int b)
    {
        if (LibC.socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, out a, out b) < 0)
            throw new UnpException("socketpair", Errno.Last);
    }
}
