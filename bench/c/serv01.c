/*
 * echosrv --model fork's twin: UNP 30.5 serv01 (5.10 tcpserv04), one child forked per
 * connection; SIGCHLD's handler reaps with a waitpid(WNOHANG) loop and logs each child, as
 * tcpserv04's sig_chld prints it (and echosrv logs it). Usage: serv01 [--port N] [--log FILE]
 * SIGTERM ends the parent; each child has asked for SIGTERM when its parent dies.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unp.h"

/* UNP 5.10 sig_chld; log_line is one vsnprintf and one write(2), nothing that locks. */
static void sig_chld(int signo)
{
    (void)signo;
    int saved = errno, stat;
    pid_t pid;
    while ((pid = waitpid(-1, &stat, WNOHANG)) > 0) {
        if (WIFEXITED(stat)) log_line("child %d terminated, exit status %d", (int)pid, WEXITSTATUS(stat));
        else log_line("child %d terminated by signal %d", (int)pid, WTERMSIG(stat));
    }
    errno = saved;
}

int main(int argc, char **argv)
{
    struct servopts o;
    int listenfd = serv_start(argc, argv, 0, &o);
    Signal(SIGCHLD, sig_chld); /* no SA_RESTART: accept() returns EINTR, Accept restarts it (UNP 5.9) */
    pid_t parent = getpid();
    serv_ready(listenfd);
    for (;;) {
        int connfd = Accept(listenfd);
        pid_t childpid = fork();
        if (childpid == 0) {
            prctl(PR_SET_PDEATHSIG, SIGTERM); /* a stopped server takes its connections with it */
            if (getppid() != parent) _exit(0);
            close(listenfd);
            str_echo(connfd);
            _exit(0);
        }
        if (childpid < 0) log_line("fork error: %s", strerror(errno));
        close(connfd);
    }
}
