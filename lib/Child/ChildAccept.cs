// UNP 30.6-30.8 (child02.c): a pre-forked child that accepts for itself, one at a time under
// the accept lock (fcntl or a pthread mutex in shared memory, --lock):
//     for ( ; ; ) {
//         clilen = addrlen;
//         my_lock_wait();
//         connfd = Accept(listenfd, cliaddr, &clilen);
//         my_lock_release();
//         web_child(connfd);              /* process the request */
//         Close(connfd);
//     }
using UnpServers.Interop;
using UnpServers.Unp;

namespace UnpServers.Child;

public static partial class ChildMain
{
    /// <summary>
    /// One turn of child02.c's loop: my_lock_wait, accept, my_lock_release, count, serve,
    /// close. GoOn, or the exit status of a child whose lock or accept failed (logged).
    /// </summary>
    public static int AcceptAndServe(int listenfd, PreforkLoop loop, ConnectionService service, int slot)
    {
        int err = loop.Lock.Wait();
        if (err != 0) return Failed("my_lock_wait error: "u8, err);
        sockaddr_storage cliaddr = default;
        int connfd, acceptErr = 0;
        for (;;)
        {
            uint clilen = 128;
            connfd = LibC.accept4(listenfd, ref cliaddr, ref clilen, SOCK_CLOEXEC);
            if (connfd >= 0) break;
            acceptErr = Errno.Last;
            if (acceptErr != EINTR && !Accept.Retryable(acceptErr)) break;
            Accept.LogRetry(acceptErr); // UNP 5.9, 5.11: that connection failed, not the server
        }
        if ((err = loop.Lock.Release()) != 0) return Failed("my_lock_release error: "u8, err);
        if (connfd < 0)
        {
            err = acceptErr;
            if (!Accept.OutOfResources(err)) return Failed("accept error: "u8, err);
            // Out of descriptors: let a sibling try, and try again in a while.
            Log.Error(Log.Line().Add("accept error: "u8).AddErrno(err));
            LibC.poll(default, 0, 100);
            return GoOn;
        }
        loop.Meter.Increment(slot);
        Accept.LogPeer(ref cliaddr);
        if (loop.KeepaliveSeconds > 0 && Keepalive.Set(connfd, loop.KeepaliveSeconds, out int option) != 0)
            Log.Error(Log.Line().Add("setsockopt "u8).Add(Keepalive.OptionName(option)).Add(" error: "u8).AddErrno(Errno.Last)); // UNP 7.5: served without it
        service.Serve(connfd, connfd);
        LibC.close(connfd);
        return GoOn;
    }
}
