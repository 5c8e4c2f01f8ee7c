/* The twins' lib/ (see unp.h): UNP's wrappers, as the book's lib/ has them, cut to size. */
#define _GNU_SOURCE /* accept4 */
#include "unp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int logfd = STDOUT_FILENO;
static pid_t *pids;
static int npids;

static void usage(const char *prog, int has_workers, const char *why)
{
    fprintf(stderr, "%s: %s\nusage: %s [--port N]%s [--log FILE]\n", prog, why, prog, has_workers ? " [--workers N]" : "");
    exit(64);
}

static int number(const char *prog, int has_workers, const char *opt, const char *s, int min, int max)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < min || v > max) {
        char why[128];
        snprintf(why, sizeof why, "%s must be %d..%d, not %s", opt, min, max, s);
        usage(prog, has_workers, why);
    }
    return (int)v;
}

void serv_args(int argc, char **argv, int has_workers, struct servopts *o)
{
    static const struct option longopts[] = {
        {"port", required_argument, NULL, 'p'},
        {"workers", required_argument, NULL, 'w'},
        {"log", required_argument, NULL, 'l'},
        {NULL, 0, NULL, 0},
    };
    const char *prog = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
    o->port = SERV_PORT;
    o->workers = has_workers ? DEFAULT_WORKERS : 0;
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, "p:", longopts, NULL)) != -1;) {
        if (c == 'p') o->port = number(prog, has_workers, "--port", optarg, 0, 65535);
        else if (c == 'w' && has_workers) o->workers = number(prog, has_workers, "--workers", optarg, 1, 1024);
        else if (c == 'l') {
            logfd = open(optarg, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
            if (logfd < 0) err_sys(optarg);
        } else usage(prog, has_workers, "unknown option or missing value");
    }
    if (optind < argc) usage(prog, has_workers, "no arguments beyond the options");
    signal(SIGPIPE, SIG_IGN); /* UNP 5.13: a write to a reset client is EPIPE, not death */
}

void log_line(const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line - 1, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if (n > (int)sizeof line - 2) n = (int)sizeof line - 2;
    line[n++] = '\n';
    (void)!write(logfd, line, (size_t)n);
}

void err_sys(const char *what)
{
    log_line("%s error: %s", what, strerror(errno));
    if (logfd != STDOUT_FILENO) fprintf(stderr, "%s error: %s\n", what, strerror(errno));
    exit(1);
}

int tcp_listen(int port)
{
    int listenfd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0), on = 1, off = 0;
    if (listenfd < 0) err_sys("socket");
    setsockopt(listenfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    setsockopt(listenfd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
    struct sockaddr_in6 servaddr;
    memset(&servaddr, 0, sizeof servaddr);
    servaddr.sin6_family = AF_INET6;
    servaddr.sin6_addr = in6addr_any;
    servaddr.sin6_port = htons((unsigned short)port);
    if (bind(listenfd, (struct sockaddr *)&servaddr, sizeof servaddr) < 0) err_sys("bind");
    if (listen(listenfd, LISTENQ) < 0) err_sys("listen");
    return listenfd;
}

int serv_start(int argc, char **argv, int has_workers, struct servopts *o)
{
    serv_args(argc, argv, has_workers, o);
    int listenfd = tcp_listen(o->port);
    Signal(SIGTERM, sig_exit);
    Signal(SIGINT, sig_exit);
    return listenfd;
}

void thread_make(int n, void *(*thread_main)(void *))
{
    for (int i = 0; i < n; i++) {
        pthread_t tid;
        if ((errno = pthread_create(&tid, NULL, thread_main, NULL)) != 0) err_sys("pthread_create");
    }
}

void serv_ready(int listenfd)
{
    struct sockaddr_in6 addr;
    socklen_t len = sizeof addr;
    getsockname(listenfd, (struct sockaddr *)&addr, &len);
    log_line("listening on ::, port %d, pid %d", ntohs(addr.sin6_port), (int)getpid());
}

/* sock_ntop_host (UNP 3.8), with an IPv4 client on the dual-stack socket shown as IPv4, as echosrv does. */
static void log_peer(const struct sockaddr_in6 *cli)
{
    char host[INET6_ADDRSTRLEN];
    if (IN6_IS_ADDR_V4MAPPED(&cli->sin6_addr)) inet_ntop(AF_INET, &cli->sin6_addr.s6_addr[12], host, sizeof host);
    else inet_ntop(AF_INET6, &cli->sin6_addr, host, sizeof host);
    log_line("connection from %s, port %d", host, ntohs(cli->sin6_port));
}

int Accept(int listenfd)
{
    for (;;) {
        struct sockaddr_in6 cliaddr;
        socklen_t clilen = sizeof cliaddr;
        int connfd = accept4(listenfd, (struct sockaddr *)&cliaddr, &clilen, SOCK_CLOEXEC);
        if (connfd >= 0) {
            log_peer(&cliaddr);
            return connfd;
        }
        if (errno != EINTR && errno != ECONNABORTED && errno != EPROTO) err_sys("accept");
    }
}

ssize_t writen(int fd, const void *vptr, size_t n)
{
    const char *ptr = vptr;
    for (size_t nleft = n; nleft > 0;) {
        ssize_t nwritten = write(fd, ptr, nleft);
        if (nwritten <= 0) {
            if (nwritten < 0 && errno == EINTR) continue;
            return -1;
        }
        nleft -= (size_t)nwritten;
        ptr += nwritten;
    }
    return (ssize_t)n;
}

void str_echo(int sockfd)
{
    char buf[MAXLINE];
    for (;;) {
        ssize_t n = read(sockfd, buf, MAXLINE);
        if (n > 0) {
            if (writen(sockfd, buf, (size_t)n) < 0) return;
        } else if (n == 0 || errno != EINTR) {
            return; /* the client's FIN (UNP 5.7), or an error: the connection is over */
        }
    }
}

void Signal(int signo, void (*func)(int))
{
    struct sigaction act;
    memset(&act, 0, sizeof act);
    act.sa_handler = func;
    sigemptyset(&act.sa_mask);
    sigaction(signo, &act, NULL);
}

void sig_exit(int signo)
{
    (void)signo;
    _exit(0);
}

void pool_make(int nchildren, void (*child_main)(int i))
{
    pids = calloc((size_t)nchildren, sizeof(pid_t));
    if (pids == NULL) err_sys("calloc");
    for (npids = 0; npids < nchildren; npids++) {
        if ((pids[npids] = fork()) < 0) err_sys("fork");
        if (pids[npids] == 0) {
            child_main(npids);
            _exit(0);
        }
    }
}

/* UNP 30.6 sig_int: end every child, reap them, then the parent. */
static void sig_pool(int signo)
{
    (void)signo;
    for (int i = 0; i < npids; i++) kill(pids[i], SIGTERM);
    while (wait(NULL) > 0)
        ;
    _exit(0);
}

void pool_signals(void)
{
    Signal(SIGTERM, sig_pool);
    Signal(SIGINT, sig_pool);
}

static int pool_listenfd;
static void (*pool_lock_wait)(void), (*pool_lock_release)(void);

static void prefork_child(int i)
{
    (void)i;
    accept_loop(pool_listenfd, pool_lock_wait, pool_lock_release);
}

int prefork_main(int argc, char **argv, void (*lock_init)(void), void (*lock_wait)(void), void (*lock_release)(void))
{
    struct servopts o;
    pool_listenfd = serv_start(argc, argv, 1, &o);
    if (lock_init) lock_init();
    pool_lock_wait = lock_wait;
    pool_lock_release = lock_release;
    pool_make(o.workers, prefork_child);
    pool_signals();
    serv_ready(pool_listenfd);
    for (;;) pause(); /* everything is done by the children */
}

void accept_loop(int listenfd, void (*lock_wait)(void), void (*lock_release)(void))
{
    for (;;) {
        if (lock_wait) lock_wait();
        int connfd = Accept(listenfd);
        if (lock_release) lock_release();
        str_echo(connfd);
        close(connfd);
    }
}
