/*
 * make bench's start-up clock: one program started and timed the same way, whatever it is
 * (the hello world, echosrv, echocli, the C twins), so that their ratios mean what they say.
 * The clock (CLOCK_MONOTONIC) is read just before posix_spawn() and stops:
 *   - by default, when the program has exited and been reaped, its output read to EOF;
 *   - with --listen PORT, at the first connect() to 127.0.0.1:PORT that is not refused
 *     (tried every 200 us: the moment a client is no longer turned away);
 *   - with --listen PORT --echo, when one byte sent on that connection has come back.
 * A server is then sent SIGTERM (SIGKILL after 5 s) and reaped, with anything it left.
 * Its stdin is a pipe holding --stdin TEXT (or nothing); stdout and stderr are pipes.
 * Prints the milliseconds on stdout. Exit 0; 1 when the program failed (its exit status, a
 * wrong --expect output, no listener within 20 s: one line on stderr); 64 on a bad usage.
 *
 * Usage: startclock [--stdin TEXT] [--expect TEXT] [--listen PORT [--echo]] -- PROGRAM [ARG...]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static const char *prog;

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static void fail(const char *fmt, const char *arg)
{
    fprintf(stderr, "startclock: %s: ", prog);
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
}

/* Appends what is in fd to buf (up to cap); 0 at EOF. */
static ssize_t drain(int fd, char *buf, size_t *len, size_t cap)
{
    char tmp[4096];
    ssize_t n = read(fd, tmp, sizeof tmp);
    if (n > 0) {
        size_t k = (size_t)n < cap - 1 - *len ? (size_t)n : cap - 1 - *len;
        memcpy(buf + *len, tmp, k);
        *len += k;
        buf[*len] = '\0';
    }
    return n;
}

/* The last line of what the program said on stderr, for a one-line report. */
static const char *last_line(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == '\n') s[--n] = '\0';
    char *nl = strrchr(s, '\n');
    return nl ? nl + 1 : s;
}

/* 0 when a connect() to 127.0.0.1:port succeeded (the socket in *fd), -1 when refused. */
static int try_connect(int port, int *fd)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    *fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (*fd >= 0 && connect(*fd, (struct sockaddr *)&a, sizeof a) == 0) return 0;
    if (*fd >= 0) close(*fd);
    return -1;
}

/* SIGTERM, then SIGKILL after 5 s; then whatever it left behind (they came to us: a subreaper). */
static void stop(pid_t pid)
{
    kill(pid, SIGTERM);
    for (int i = 0; i < 5000 && waitpid(pid, NULL, WNOHANG) == 0; i++) usleep(1000);
    if (kill(pid, SIGKILL) == 0) waitpid(pid, NULL, 0);
    for (int i = 0; i < 2000; i++) {
        pid_t left = waitpid(-1, NULL, WNOHANG);
        if (left < 0) return; /* ECHILD: none left */
        if (left == 0) usleep(1000);
    }
    char path[64]; /* still some after 2 s: killed */
    snprintf(path, sizeof path, "/proc/self/task/%d/children", (int)getpid());
    FILE *f = fopen(path, "r");
    for (int k; f && fscanf(f, "%d", &k) == 1;) kill(k, SIGKILL);
    if (f) fclose(f);
    while (waitpid(-1, NULL, 0) > 0)
        ;
}

int main(int argc, char **argv)
{
    const char *input = "", *expect = NULL;
    int port = 0, echo = 0, i = 1;
    for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (strcmp(argv[i], "--stdin") == 0 && i + 1 < argc) input = argv[++i];
        else if (strcmp(argv[i], "--expect") == 0 && i + 1 < argc) expect = argv[++i];
        else if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc) port = atoi(argv[++i]);
        else if (strcmp(argv[i], "--echo") == 0) echo = 1;
        else break;
    }
    if (i + 1 >= argc || strcmp(argv[i], "--") != 0 || (echo && port <= 0) || strlen(input) >= 4096) {
        fprintf(stderr, "usage: startclock [--stdin TEXT] [--expect TEXT] [--listen PORT [--echo]] -- PROGRAM [ARG...]\n");
        return 64;
    }
    char **cmd = argv + i + 1;
    prog = cmd[0];
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); /* a server's orphaned children come back here to be reaped */

    int in[2], out[2], err[2];
    if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0) { perror("startclock: pipe"); return 1; }
    if (write(in[1], input, strlen(input)) < 0) { perror("startclock: write"); return 1; }
    close(in[1]); /* the program reads TEXT, then EOF */
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, err[1], 2);

    pid_t pid;
    double t0 = now_ms();
    int rc = posix_spawn(&pid, prog, &fa, NULL, cmd, environ);
    if (rc != 0) { errno = rc; fail("cannot start it: %s", strerror(errno)); return 1; }
    close(out[1]);
    close(err[1]);
    static char outbuf[65536], errbuf[65536];
    size_t outlen = 0, errlen = 0;
    double ms;

    if (port == 0) { /* the whole run: output to EOF, then the exit */
        struct pollfd fds[2] = {{.fd = out[0], .events = POLLIN}, {.fd = err[0], .events = POLLIN}};
        while (fds[0].fd >= 0 || fds[1].fd >= 0) {
            if (poll(fds, 2, -1) < 0 && errno != EINTR) break;
            if (fds[0].revents && drain(out[0], outbuf, &outlen, sizeof outbuf) <= 0) fds[0].fd = -1;
            if (fds[1].revents && drain(err[0], errbuf, &errlen, sizeof errbuf) <= 0) fds[1].fd = -1;
        }
        int status;
        waitpid(pid, &status, 0);
        ms = now_ms() - t0;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            char why[64];
            snprintf(why, sizeof why, WIFEXITED(status) ? "exit status %d" : "killed by signal %d", WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
            fail("%s", why);
            if (errlen) fprintf(stderr, "startclock: %s said: %s\n", prog, last_line(errbuf));
            return 1;
        }
        if (expect && strcmp(outbuf, expect) != 0) { fail("printed '%s', not what was expected", outbuf); return 1; }
    } else { /* a server: until a client is no longer refused */
        int fd, status;
        for (;;) {
            if (try_connect(port, &fd) == 0) break;
            if (waitpid(pid, &status, WNOHANG) == pid) {
                while (drain(err[0], errbuf, &errlen, sizeof errbuf) > 0)
                    ;
                fail("exited before it listened: %s", errlen ? last_line(errbuf) : "(nothing on stderr)");
                return 1;
            }
            if (now_ms() - t0 > 20000) { fail("%s", "no listener within 20 s"); stop(pid); return 1; }
            usleep(200);
        }
        char c = '*';
        if (echo) {
            struct pollfd p = {.fd = fd, .events = POLLIN};
            if (write(fd, &c, 1) != 1 || poll(&p, 1, 20000) != 1 || read(fd, &c, 1) != 1 || c != '*') {
                fail("%s", "no echo of the first byte within 20 s");
                close(fd);
                stop(pid);
                return 1;
            }
        }
        ms = now_ms() - t0;
        close(fd);
        stop(pid);
    }
    printf("%.3f\n", ms);
    return 0;
}
