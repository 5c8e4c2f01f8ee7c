/*
 * echosrv --model select's twin: UNP 6.8 tcpservselect01, one process, one thread: select()
 * watches the listener and every client, and the server serves whichever is ready. As in
 * the book, the echo is a blocking Writen (echosrv keeps a pending echo instead; the bench's
 * clients always read, so neither blocks). Usage: tcpservselect01 [--port N] [--log FILE]
 */
#include <errno.h>
#include <sys/select.h>
#include <unistd.h>

#include "unp.h"

int main(int argc, char **argv)
{
    struct servopts o;
    int listenfd = serv_start(argc, argv, 0, &o);
    int maxfd = listenfd, maxi = -1, client[FD_SETSIZE];
    for (int i = 0; i < FD_SETSIZE; i++) client[i] = -1; /* -1: a free entry */
    fd_set allset;
    FD_ZERO(&allset);
    FD_SET(listenfd, &allset);
    serv_ready(listenfd);

    for (;;) {
        fd_set rset = allset;
        int nready = select(maxfd + 1, &rset, NULL, NULL, NULL);
        if (nready < 0) {
            if (errno == EINTR) continue;
            err_sys("select");
        }
        if (FD_ISSET(listenfd, &rset)) { /* new client connection */
            int connfd = Accept(listenfd), i;
            for (i = 0; i < FD_SETSIZE; i++)
                if (client[i] < 0) break;
            if (i == FD_SETSIZE || connfd >= FD_SETSIZE) {
                log_line("select: too many clients; connection closed"); /* the book quits */
                close(connfd);
            } else {
                client[i] = connfd;
                FD_SET(connfd, &allset);
                if (connfd > maxfd) maxfd = connfd;
                if (i > maxi) maxi = i;
            }
            if (--nready <= 0) continue; /* no more readable descriptors */
        }
        for (int i = 0; i <= maxi; i++) { /* check all clients for data */
            int sockfd = client[i];
            if (sockfd < 0 || !FD_ISSET(sockfd, &rset)) continue;
            char buf[MAXLINE];
            ssize_t n = read(sockfd, buf, MAXLINE);
            if (n <= 0 || writen(sockfd, buf, (size_t)n) < 0) { /* EOF or an error: connection closed by client */
                close(sockfd);
                FD_CLR(sockfd, &allset);
                client[i] = -1;
            }
            if (--nready <= 0) break;
        }
    }
}
