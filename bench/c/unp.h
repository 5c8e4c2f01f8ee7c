/*
 * The C twins of echosrv's designs (make bench): what they share, as UNP's lib/ does for
 * the book's servers, cut to what an echo server needs. Each twin takes echosrv's options
 * (--port N, --workers N, --log FILE), logs what echosrv logs per connection ("connection
 * from HOST, port N"; the fork design also "child PID terminated, ..."), one write(2) a
 * line, and says "listening on ::, port N, pid P" once it is ready, as echosrv does.
 */
#ifndef UNP_TWIN_H
#define UNP_TWIN_H

#include <sys/types.h>

#define MAXLINE 4096  /* UNP's buffer size: str_echo moves at most this much per read */
#define LISTENQ 1024  /* echosrv's default --backlog */
#define SERV_PORT 9877
#define DEFAULT_WORKERS 8 /* echosrv's --workers default */

struct servopts {
    int port;
    int workers; /* 0 when the design has none */
};

/* echosrv's options: --port N, --workers N (when the design has a pool), --log FILE. Exits 64 on a bad one. */
void serv_args(int argc, char **argv, int has_workers, struct servopts *o);

/*
 * serv_args, tcp_listen, and SIGTERM/SIGINT to sig_exit: the listening descriptor. Every
 * twin starts so; then, once its children or threads are up, serv_ready.
 */
int serv_start(int argc, char **argv, int has_workers, struct servopts *o);

/* UNP 30.11 thread_make: n threads running thread_main, for the life of the process. */
void thread_make(int n, void *(*thread_main)(void *));

/* tcp_listen (UNP 11.12) for "::", dual-stack, SO_REUSEADDR: the listening descriptor. */
int tcp_listen(int port);

/* "listening on ::, port N, pid P": the server is ready (pools: after their children or threads start). */
void serv_ready(int listenfd);

/* One line to the log (--log FILE, else stdout), written with one write(2) like echosrv's. */
void log_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* accept(), restarted on EINTR and UNP 5.11's ECONNABORTED/EPROTO, logging "connection from". Exits on other errors. */
int Accept(int listenfd);

/* UNP 5.3 str_echo: read, writen, until EOF or an error. */
void str_echo(int sockfd);

/* UNP 3.9 writen: all n bytes, or -1. */
ssize_t writen(int fd, const void *vptr, size_t n);

/* UNP 5.8 signal, without SA_RESTART: a slow system call returns EINTR (UNP 5.9). */
void Signal(int signo, void (*func)(int));

/* A SIGTERM/SIGINT handler for the designs with one process: the kernel closes everything. */
void sig_exit(int signo);

/* The pre-forked designs (30.6-30.9): fork n children, each running child_main(i), never to return. */
void pool_make(int nchildren, void (*child_main)(int i));

/* From now on SIGTERM and SIGINT end the pool's children, then the parent (UNP 30.6 sig_int). */
void pool_signals(void);

/*
 * serv02-serv04 whole: listen, my_lock_init (NULL: no lock), N children each looping in
 * accept_loop under my_lock_wait/my_lock_release, the parent waiting for a signal.
 */
int prefork_main(int argc, char **argv, void (*lock_init)(void), void (*lock_wait)(void), void (*lock_release)(void));

/* UNP 30.6-30.8, 30.11 child_main/thread_main: accept under lock_wait/lock_release (NULL: no lock), serve, close, forever. */
void accept_loop(int listenfd, void (*lock_wait)(void), void (*lock_release)(void));

void err_sys(const char *what) __attribute__((noreturn));

#endif
