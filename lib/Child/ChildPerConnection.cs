// UNP 5.10 (tcpserv04.c): the child of a server that forks once per connection.
//     if ( (childpid = Fork()) == 0) {    /* child process */
//         Close(listenfd);                /* close listening socket */
//         str_echo(connfd);               /* process the request */
//         exit(0);
//     }
// Close(listenfd) is the prologue's (R3); exit is _exit(), never a return into the runtime (R4).
using UnpServers.Interop;
using UnpServers.Unp;

namespace UnpServers.Child;

public static partial class ChildMain
{
    /// <summary>
    /// Forks a child that serves connfd and exits. The child's pid in the parent, or -1 with
    /// errno; never returns in the child.
    /// </summary>
    public static int ForkAndServe(int connfd, ConnectionService service)
    {
        int pid = Fork();
        if (pid != 0) return pid;

        long allocated = AllocationReport.Start();
        Prologue(connfd, Log.FileFd, -1);
        int status = service.Serve(connfd, connfd);
        AllocationReport.End(allocated);
        LibC._exit(status);
        return 0;
    }
}
