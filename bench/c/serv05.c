/*
 * echosrv --model prefork-pass's twin: UNP 30.9 serv05, N children forked at start; the
 * parent accepts, and passes each connected descriptor to an idle child over a Unix-domain
 * stream socketpair (write_fd, UNP 15.7); the child serves it, closes it and writes one
 * byte back: "ready again". With no child idle the parent stops watching the listener.
 * Usage: serv05 [--port N] [--workers N] [--log FILE]
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#include "unp.h"

static int nchildren;
static int (*chan)[2]; /* chan[i][0]: the parent's end of child i's socketpair, chan[i][1]: the child's */

/* UNP 15.7 write_fd: one byte of data and the descriptor, as SCM_RIGHTS ancillary data. */
static ssize_t write_fd(int fd, void *ptr, size_t nbytes, int sendfd)
{
    union { struct cmsghdr cm; char control[CMSG_SPACE(sizeof(int))]; } control_un;
    struct iovec iov[1] = {{.iov_base = ptr, .iov_len = nbytes}};
    struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 1, .msg_control = control_un.control, .msg_controllen = sizeof control_un.control};
    struct cmsghdr *cmptr = CMSG_FIRSTHDR(&msg);
    cmptr->cmsg_len = CMSG_LEN(sizeof(int));
    cmptr->cmsg_level = SOL_SOCKET;
    cmptr->cmsg_type = SCM_RIGHTS;
    memcpy(CMSG_DATA(cmptr), &sendfd, sizeof(int));
    return sendmsg(fd, &msg, 0);
}

/* UNP 15.7 read_fd: the byte, and the descriptor in *recvfd (-1 if none came). */
static ssize_t read_fd(int fd, void *ptr, size_t nbytes, int *recvfd)
{
    union { struct cmsghdr cm; char control[CMSG_SPACE(sizeof(int))]; } control_un;
    struct iovec iov[1] = {{.iov_base = ptr, .iov_len = nbytes}};
    struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 1, .msg_control = control_un.control, .msg_controllen = sizeof control_un.control};
    ssize_t n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
    struct cmsghdr *cmptr = CMSG_FIRSTHDR(&msg);
    *recvfd = -1;
    if (n > 0 && cmptr != NULL && cmptr->cmsg_len == CMSG_LEN(sizeof(int)) && cmptr->cmsg_type == SCM_RIGHTS)
        memcpy(recvfd, CMSG_DATA(cmptr), sizeof(int));
    return n;
}

/* UNP 30.9 child_main: wait for a descriptor, serve it, say "ready" with one byte. */
static void child_main(int i)
{
    for (int j = 0; j < nchildren; j++) {
        close(chan[j][0]);
        if (j != i) close(chan[j][1]);
    }
    int fd = chan[i][1];
    for (;;) {
        char c;
        int connfd;
        ssize_t n = read_fd(fd, &c, 1, &connfd);
        if (n == 0) _exit(0); /* the parent is gone */
        if (n < 0) {
            if (errno == EINTR) continue;
            err_sys("read_fd");
        }
        if (connfd < 0) continue;
        str_echo(connfd);
        close(connfd);
        if (write(fd, "", 1) != 1) err_sys("write");
    }
}

int main(int argc, char **argv)
{
    struct servopts o;
    int listenfd = serv_start(argc, argv, 1, &o);
    nchildren = o.workers;
    chan = calloc((size_t)nchildren, sizeof *chan);
    char *busy = calloc((size_t)nchildren, 1);
    if (chan == NULL || busy == NULL) err_sys("calloc");
    fd_set masterset;
    FD_ZERO(&masterset);
    FD_SET(listenfd, &masterset);
    int maxfd = listenfd, navail = nchildren;
    for (int i = 0; i < nchildren; i++) {
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, chan[i]) < 0) err_sys("socketpair");
        if (chan[i][0] >= FD_SETSIZE) { errno = EMFILE; err_sys("select"); }
        FD_SET(chan[i][0], &masterset);
        if (chan[i][0] > maxfd) maxfd = chan[i][0];
    }
    pool_make(nchildren, child_main);
    for (int i = 0; i < nchildren; i++) close(chan[i][1]);
    pool_signals();
    serv_ready(listenfd);

    for (;;) {
        fd_set rset = masterset;
        if (navail <= 0) FD_CLR(listenfd, &rset); /* no child idle: clients wait in the backlog */
        int nsel = select(maxfd + 1, &rset, NULL, NULL, NULL);
        if (nsel < 0) {
            if (errno == EINTR) continue;
            err_sys("select");
        }
        if (FD_ISSET(listenfd, &rset)) {
            int connfd = Accept(listenfd), i;
            for (i = 0; i < nchildren; i++)
                if (!busy[i]) break;
            busy[i] = 1;
            navail--;
            if (write_fd(chan[i][0], "", 1, connfd) != 1) err_sys("write_fd");
            close(connfd);
            if (--nsel == 0) continue;
        }
        for (int i = 0; i < nchildren; i++) {
            if (!FD_ISSET(chan[i][0], &rset)) continue;
            char rc;
            if (read(chan[i][0], &rc, 1) <= 0) { log_line("child %d terminated unexpectedly", i); exit(1); }
            busy[i] = 0;
            navail++;
            if (--nsel == 0) break;
        }
    }
}
