// UNP 30.9 (child05.c): a pre-forked child that the parent passes each connection to, over
// a Unix-domain socketpair (read_fd, UNP 15.7):
//     for ( ; ; ) {
//         if ( (n = Read_fd(STDERR_FILENO, &c, 1, &connfd)) == 0)
//             err_quit("read_fd returned 0");
//         if (connfd < 0)
//             err_quit("no descriptor from read_fd");
//         web_child(connfd);              /* process request */
//         Close(connfd);
//         Write(STDERR_FILENO, "", 1);    /* tell parent we're ready again */
//     }
using UnpServers.Interop;
using UnpServers.Unp;

namespace UnpServers.Child;

public static partial class ChildMain
{
    /// <summary>
    /// One turn of child05.c's loop: read_fd, count, serve, close, then write one byte back to
    /// say it is idle again. GoOn; 0 at EOF on the channel (the parent is stopping, or gone);
    /// or 1 after a read_fd error (logged).
    /// </summary>
    public static int ReceiveAndServe(int channel, PreforkLoop loop, ConnectionService service, int slot)
    {
        Span<byte> c = stackalloc byte[1];
        nint n = FdPassing.ReadFd(channel, c, out int connfd);
        if (n == 0) return 0;
        if (n < 0) return Failed("read_fd error: "u8, Errno.Last);
        if (connfd < 0) return Failed("read_fd error: "u8, EBADF); // a byte without a descriptor: not our parent's protocol
        loop.Meter.Increment(slot);
        service.Serve(connfd, connfd);
        LibC.close(connfd);
        while (LibC.write(channel, c) < 0 && Errno.Last == EINTR) { }
        return GoOn;
    }
}
