/*
 * echosrv --model poll's twin: UNP 6.11 tcpservpoll01, tcpservselect01 with poll(), whose
 * pollfd array has no FD_SETSIZE: client[0] is the listener, the rest are clients (fd -1:
 * a free entry). Usage: tcpservpoll01 [--port N] [--log FILE]
 */
#include <errno.h>
#include <poll.h>
#include <unistd.h>

#include "unp.h"

#define OPEN_MAX 4096

static struct pollfd client[OPEN_MAX];

int main(int argc, char **argv)
{
    struct servopts o;
    int listenfd = serv_start(argc, argv, 0, &o);
    client[0].fd = listenfd;
    client[0].events = POLLIN;
    for (int i = 1; i < OPEN_MAX; i++) client[i].fd = -1;
    int maxi = 0; /* max index into client[] in use */
    serv_ready(listenfd);

    for (;;) {
        int nready = poll(client, (nfds_t)maxi + 1, -1);
        if (nready < 0) {
            if (errno == EINTR) continue;
            err_sys("poll");
        }
        if (client[0].revents & POLLIN) { /* new client connection */
            int connfd = Accept(listenfd), i;
            for (i = 1; i < OPEN_MAX; i++)
                if (client[i].fd < 0) break;
            if (i == OPEN_MAX) {
                log_line("poll: too many clients; connection closed"); /* the book quits */
                close(connfd);
            } else {
                client[i].fd = connfd;
                client[i].events = POLLIN;
                if (i > maxi) maxi = i;
            }
            if (--nready <= 0) continue;
        }
        for (int i = 1; i <= maxi; i++) { /* check all clients for data */
            int sockfd = client[i].fd;
            if (sockfd < 0 || !(client[i].revents & (POLLIN | POLLERR | POLLHUP))) continue;
            char buf[MAXLINE];
            ssize_t n = read(sockfd, buf, MAXLINE);
            if (n <= 0 || writen(sockfd, buf, (size_t)n) < 0) { /* EOF, ECONNRESET or another error */
                close(sockfd);
                client[i].fd = -1;
            }
            if (--nready <= 0) break;
        }
    }
}
