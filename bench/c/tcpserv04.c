/*
 * The C reference for make bench: UNP's tcpserv04 in spirit. One fork per accepted
 * connection, a SIGCHLD handler with a waitpid(WNOHANG) loop, SIGPIPE ignored, a
 * 4096-byte buffer. Usage: tcpserv04 [port]; port 0 picks a free one. It prints
 * "listening on port N, pid P" once it listens, so the bench knows where to connect.
 */
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAXLINE 4096
#define LISTENQ 1024

static void sig_chld(int signo)
{
    (void)signo;
    int saved = errno, stat;
    while (waitpid(-1, &stat, WNOHANG) > 0)
        ;
    errno = saved;
}

static void str_echo(int sockfd)
{
    char buf[MAXLINE];
    ssize_t n;
    for (;;) {
        n = read(sockfd, buf, MAXLINE);
        if (n > 0) {
            char *p = buf;
            while (n > 0) {
                ssize_t w = write(sockfd, p, (size_t)n);
                if (w < 0) {
                    if (errno == EINTR) continue;
                    return;
                }
                p += w;
                n -= w;
            }
        } else if (n == 0) {
            return;
        } else if (errno != EINTR) {
            return;
        }
    }
}

int main(int argc, char **argv)
{
    int port = argc > 1 ? atoi(argv[1]) : 9877;
    int listenfd = socket(AF_INET6, SOCK_STREAM, 0), on = 1, off = 0;
    if (listenfd < 0) { perror("socket error"); return 1; }
    setsockopt(listenfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    setsockopt(listenfd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
    struct sockaddr_in6 servaddr;
    memset(&servaddr, 0, sizeof servaddr);
    servaddr.sin6_family = AF_INET6;
    servaddr.sin6_addr = in6addr_any;
    servaddr.sin6_port = htons((unsigned short)port);
    if (bind(listenfd, (struct sockaddr *)&servaddr, sizeof servaddr) < 0) { perror("bind error"); return 1; }
    if (listen(listenfd, LISTENQ) < 0) { perror("listen error"); return 1; }
    socklen_t len = sizeof servaddr;
    getsockname(listenfd, (struct sockaddr *)&servaddr, &len);
    printf("listening on port %d, pid %d\n", ntohs(servaddr.sin6_port), (int)getpid());
    fflush(stdout);

    struct sigaction act;
    memset(&act, 0, sizeof act);
    act.sa_handler = sig_chld;
    sigemptyset(&act.sa_mask);
    sigaction(SIGCHLD, &act, NULL); /* no SA_RESTART: accept() returns EINTR (UNP 5.9) */
    signal(SIGPIPE, SIG_IGN);

    for (;;) {
        int connfd = accept(listenfd, NULL, NULL);
        if (connfd < 0) {
            if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO) continue;
            perror("accept error");
            return 1;
        }
        pid_t childpid = fork();
        if (childpid == 0) {
            close(listenfd);
            str_echo(connfd);
            _exit(0);
        }
        close(connfd);
    }
}
