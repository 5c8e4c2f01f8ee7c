// UNP 13.5 and 4.7, fork-safety R5: inetd's child, which execs a fresh program on the
// connection, found on descriptors 0, 1 and 2 (13.5's steps, in C):
//     if ( (pid = fork()) == 0) {
//         dup2(connfd, STDIN_FILENO); dup2(connfd, STDOUT_FILENO); dup2(connfd, STDERR_FILENO);
//         close(connfd);
//         execl(path, argv0, ...);        /* the server proper: an ordinary process again */
//         exit(1);
//     }
// Here stderr is the --log file, not the client: the exec'd server's errors go to the log.
using UnpServers.Interop;
using UnpServers.Unp;

namespace UnpServers.Child;

public static partial class ChildMain
{
    /// <summary>Exit status of a child whose execve() failed, as a shell reports it.</summary>
    public const int ExecFailed = 127;

    /// <summary>
    /// Forks a child that execs plan with connfd as its stdin and stdout. logfd (the --log file,
    /// or -1) becomes its stderr: the child inherits the open file rather than open a path it
    /// may no longer be allowed to (--user). The child's pid in the parent, or -1 with errno.
    /// </summary>
    public static int ForkAndExec(int connfd, ExecPlan plan, int logfd)
    {
        int pid = Fork();
        if (pid != 0) return pid;

        Prologue(connfd, logfd, -1);
        // Started with stdio closed, either descriptor may itself be 0, 1 or 2: move it above 2
        // first (close-on-exec: a copy left over goes away), so that no dup2 below overwrites
        // the other before it is copied.
        if (connfd <= 2) connfd = LibC.fcntl(connfd, F_DUPFD_CLOEXEC, 3);
        if (logfd is 0 or 1) logfd = LibC.fcntl(logfd, F_DUPFD_CLOEXEC, 3);
        if (connfd < 0) // EMFILE: the program would serve the parent's stdin instead
        {
            Log.Error(Log.Line().Add("fcntl error: "u8).AddErrno(Errno.Last));
            LibC._exit(ExecFailed);
        }
        LibC.dup2(connfd, 0); // dup2 leaves FD_CLOEXEC off on 0, 1 and 2: they survive execve
        LibC.dup2(connfd, 1);
        if (logfd > 2) LibC.dup2(logfd, 2);
        LibC.close(connfd);
        LibC.execve(plan);
        Log.Error(Log.Line().Add("execve error: "u8).AddErrno(Errno.Last));
        LibC._exit(ExecFailed);
        return 0;
    }
}
