// Fork-safety R4: before the first fork, the parent compiles every method of the child
// path and binds every P/Invoke, then rehearses the child's work on a socketpair, error
// paths included. A child that meets code for the first time would take the JIT's and the
// loader's locks, which another thread of the parent may have held at fork().
// The child path is one assembly, UnpServers.ChildPath.dll (lib/ChildPath/ChildPathSources.props):
// it references no other assembly of ours, so nothing the child calls lies outside it but the
// framework, and it is not ReadyToRun, so PrepareMethod compiles each method with direct calls.
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using UnpServers.Interop;
using UnpServers.Unp;

namespace UnpServers.ForkSafety;

public static class PreJit
{
    private const BindingFlags Everything =
        BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;

    /// <summary>
    /// Compiles and rehearses the child path of service; call once, before the first fork.
    /// A pre-forked design passes its child's loop too (PreforkLoop): its types are compiled
    /// and its turn rehearsed with the rest.
    /// </summary>
    public static void ChildPath(ConnectionService service, PreforkLoop? loop = null)
    {
        Assembly childPath = typeof(ForkPath).Assembly;
        if (service.GetType().Assembly != childPath || (loop != null && loop.Lock.GetType().Assembly != childPath))
            throw new InvalidOperationException($"R4: {service.GetType()} runs in a forked child, so it belongs in {childPath.GetName().Name}");
        // Every type of it, rather than a list to keep in step with the code: a little more than
        // one design's child needs, compiled once, after listen().
        var types = childPath.GetTypes().Where(t => !t.ContainsGenericParameters && !t.IsInterface && !typeof(Delegate).IsAssignableFrom(t)).ToList();
        // Static constructors first, so that no compiled method keeps a class-initialisation check.
        foreach (Type type in types) RuntimeHelpers.RunClassConstructor(type.TypeHandle);
        foreach (Type type in types) Compile(type);

        Rehearse(service, loop);

        // Leave nothing for the finalizer thread or a GC to do around the first fork. The
        // aggressive collection also gives back the memory start-up used: fork() copies the
        // page tables of every resident page, once per connection.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        LibC.malloc_trim(0);
    }

    private static void Compile(Type type)
    {
        foreach (MethodInfo m in type.GetMethods(Everything))
        {
            if (m.IsAbstract || m.ContainsGenericParameters) continue;
            if ((m.Attributes & MethodAttributes.PinvokeImpl) != 0)
                Marshal.Prelink(m);          // resolves the native symbol and the stub now
            else
                RuntimeHelpers.PrepareMethod(m.MethodHandle);
        }
    }

    /// <summary>
    /// Runs Serve in the parent on the cases a child meets: data then EOF, a peer gone, a bad
    /// descriptor, an idle peer. On copies of the service, so the live one is never changed.
    /// </summary>
    private static void Rehearse(ConnectionService live, PreforkLoop? loop)
    {
        ConnectionService service = live.Rehearsal(live.IdleTimeoutMs);
        ConnectionService idling = live.Rehearsal(1);
        int devnull = LibC.open("/dev/null\0"u8, LibC.O_WRONLY | LibC.O_CLOEXEC, 0);
        if (devnull < 0) throw new UnpException("open", Errno.Last);
        (int info, int error) = (Log.InfoFd, Log.ErrorFd);
        Log.InfoFd = Log.ErrorFd = devnull;
        try
        {
            // Data, then EOF: the normal path.
            Pair(out int a, out int b);
            LibC.write(b, "rehearsal\n"u8);
            LibC.shutdown(b, LibC.SHUT_WR);
            service.Serve(a, a);
            Span<byte> drain = stackalloc byte[64];
            LibC.read(b, drain);
            LibC.close(a);
            LibC.close(b);

            // The peer has gone: writes fail with EPIPE (SIGPIPE is ignored by the runtime).
            Pair(out a, out b);
            LibC.write(b, "x"u8);
            LibC.close(b);
            service.Serve(a, a);
            LibC.close(a);

            // A read error.
            service.Serve(-1, -1);

            // An idle peer.
            Pair(out a, out b);
            idling.Serve(a, a);
            LibC.close(a);
            LibC.close(b);

            // A peer that sends and never reads (--idle-timeout): the echo's write times out.
            Pair(out a, out b);
            LibC.setsockopt(a, LibC.SOL_SOCKET, LibC.SO_SNDBUF, 4096);
            Span<byte> chunk = stackalloc byte[4096];
            for (int i = 0; i < 1024 && LibC.send(b, chunk, LibC.MSG_DONTWAIT) > 0; i++) { }
            idling.Serve(a, a);
            LibC.close(a);
            LibC.close(b);

            if (loop != null) RehearseLoop(service, loop);

            // The diagnostic line of ForkPath.
            Log.Info(Log.Line().Add("child "u8).Add(LibC.getpid()).Add(" allocated "u8)
                               .Add(GC.GetAllocatedBytesForCurrentThread()).Add(" bytes"u8));
        }
        finally
        {
            (Log.InfoFd, Log.ErrorFd) = (info, error);
            LibC.close(devnull);
        }
    }

    /// <summary>
    /// A pre-forked child's turn, on a private listener (an abstract Unix-domain socket, so no
    /// port is taken) and on a socketpair channel: lock, accept, unlock, count, serve; read_fd,
    /// serve, the byte back; and their error paths. The meter slot used is zeroed afterwards.
    /// </summary>
    private static void RehearseLoop(ConnectionService service, PreforkLoop loop)
    {
        // The peer line, for both families a child can meet.
        sockaddr_storage any6 = Addresses.In6Any(9, out _), any4 = Addresses.InAny(9, out _);
        Accept.LogPeer(ref any6);
        Accept.LogPeer(ref any4);

        // Lock, accept, unlock, serve: data, then EOF.
        int listenfd = LibC.socket(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0);
        if (listenfd < 0) throw new UnpException("socket", Errno.Last);
        sockaddr_storage addr = default;
        addr.ss_family = LibC.AF_UNIX;
        uint len = 2; // sizeof(sa_family_t) only: the kernel picks an abstract name (unix(7), autobind)
        if (LibC.bind(listenfd, ref addr, len) < 0 || LibC.listen(listenfd, 1) < 0) throw new UnpException("bind", Errno.Last);
        len = 128;
        LibC.getsockname(listenfd, ref addr, ref len);
        int client = LibC.socket(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0);
        if (client < 0 || LibC.connect(client, ref addr, len) < 0) throw new UnpException("connect", Errno.Last);
        LibC.write(client, "rehearsal\n"u8);
        LibC.shutdown(client, LibC.SHUT_WR);
        ForkPath.AcceptAndServe(listenfd, loop, service, 0);
        LibC.close(client);
        LibC.close(listenfd);
        ForkPath.AcceptAndServe(-1, loop, service, 0); // accept fails: EBADF

        // read_fd, serve, write the byte back; then EOF on the channel.
        Pair(out int parent, out int child);
        Pair(out int a, out int b);
        LibC.write(b, "rehearsal\n"u8);
        LibC.shutdown(b, LibC.SHUT_WR);
        if (FdPassing.WriteFd(parent, "x"u8, a) < 0) throw new UnpException("sendmsg", Errno.Last);
        LibC.close(a);
        ForkPath.ReceiveAndServe(child, loop, service, 0);
        Span<byte> one = stackalloc byte[1];
        LibC.read(parent, one);
        LibC.close(b);
        LibC.write(parent, "x"u8); // a byte without a descriptor
        ForkPath.ReceiveAndServe(child, loop, service, 0);
        LibC.close(parent);
        ForkPath.ReceiveAndServe(child, loop, service, 0);
        LibC.close(child);

        loop.Meter.Reset(0);
    }

    private static void Pair(out int a, out int b)
    {
        if (LibC.socketpair(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0, out a, out b) < 0)
            throw new UnpException("socketpair", Errno.Last);
    }
}
