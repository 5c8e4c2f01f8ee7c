/*
 * echosrv --model epoll's twin (beyond the book): tcpservpoll01 with epoll(7). The interest
 * list lives in the kernel (epoll_ctl, once per change) and epoll_wait returns only the
 * descriptors that are ready; level-triggered, as poll is.
 * Usage: tcpservepoll01 [--port N] [--log FILE]
 */
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "unp.h"

#define MAXEVENTS 64

int main(int argc, char **argv)
{
    struct servopts o;
    int listenfd = serv_start(argc, argv, 0, &o);
    int epfd = epoll_create1(EPOLL_CLOEXEC);
    if (epfd < 0) err_sys("epoll_create1");
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = listenfd}, events[MAXEVENTS];
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, listenfd, &ev) < 0) err_sys("epoll_ctl");
    serv_ready(listenfd);

    for (;;) {
        int nready = epoll_wait(epfd, events, MAXEVENTS, -1);
        if (nready < 0) {
            if (errno == EINTR) continue;
            err_sys("epoll_wait");
        }
        for (int i = 0; i < nready; i++) {
            int sockfd = events[i].data.fd;
            if (sockfd == listenfd) { /* new client connection */
                int connfd = Accept(listenfd);
                ev.data.fd = connfd;
                if (epoll_ctl(epfd, EPOLL_CTL_ADD, connfd, &ev) < 0) {
                    log_line("epoll_ctl error: %s", strerror(errno));
                    close(connfd);
                }
                continue;
            }
            char buf[MAXLINE];
            ssize_t n = read(sockfd, buf, MAXLINE);
            if (n <= 0 || writen(sockfd, buf, (size_t)n) < 0) close(sockfd); /* close() also leaves the epoll set */
        }
    }
}
