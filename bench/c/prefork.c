/*
 * The C prefork reference for make bench's designs table: UNP 30.6 (serv02), N children
 * forked at start, each blocking in accept() on the shared listening socket, no lock
 * (Linux wakes one of them per connection). Usage: prefork [port [nchildren]]; port 0
 * picks a free one, nchildren defaults to 8. It prints "listening on port N, pid P" once
 * it listens. SIGTERM or SIGINT ends the children and the parent.
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
#define MAXCHILDREN 256

static pid_t pids[MAXCHILDREN];
static int nchildren;

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

/* UNP 30.6 child_main: accept, serve, close, forever. */
static void child_main(int listenfd)
{
    for (;;) {
        int connfd = accept(listenfd, NULL, NULL);
        if (connfd < 0) {
            if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO) continue;
            perror("accept error");
            _exit(1);
        }
        str_echo(connfd);
        close(connfd);
    }
}

/* UNP 30.6 sig_int: end every child, then the parent. */
static void sig_int(int signo)
{
    (void)signo;
    for (int i = 0; i < nchildren; i++) kill(pids[i], SIGTERM);
    while (wait(NULL) > 0)
        ;
    _exit(0);
}

int main(int argc, char **argv)
{
    int port = argc > 1 ? atoi(argv[1]) : 9877;
    nchildren = argc > 2 ? atoi(argv[2]) : 8;
    if (nchildren < 1 || nchildren > MAXCHILDREN) {
        fprintf(stderr, "prefork: nchildren must be 1 to %d\nusage: prefork [port [nchildren]]\n", MAXCHILDREN);
        return 64;
    }
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
    signal(SIGPIPE, SIG_IGN);

    for (int i = 0; i < nchildren; i++) {
        pid_t pid = fork();
        if (pid < 0) { perror("fork error"); return 1; }
        if (pid == 0) child_main(listenfd); /* never returns */
        pids[i] = pid;
    }
    printf("listening on port %d, pid %d\n", ntohs(servaddr.sin6_port), (int)getpid());
    fflush(stdout);

    struct sigaction act;
    memset(&act, 0, sizeof act);
    act.sa_handler = sig_int;
    sigemptyset(&act.sa_mask);
    sigaction(SIGTERM, &act, NULL);
    sigaction(SIGINT, &act, NULL);
    for (;;) pause(); /* everything is done by the children */
}
