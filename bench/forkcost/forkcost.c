/*
 * forkcost: what one fork of a REAL, running server costs, measured from outside.
 * Usage: forkcost PORT PID COUNT close|echo
 *
 * It makes COUNT connections to the server listening on PORT (pid PID), one at a time:
 * connect, (echo: 64 bytes there and back), shutdown(SHUT_WR), read until EOF. A
 * fork-per-connection server forks once for each, its child reads EOF and exits; the
 * EOF reaches us only after the child's exit has torn down its address space (do_exit:
 * exit_mm before exit_files), so each round trip is one whole fork, child, exit.
 * What the server spent is read from /proc before and after, once every child is reaped:
 *   - the parent's main thread CPU time (/proc/PID/task/PID/schedstat, ns): accept, fork
 *     (copy_page_range, dup_mmap), close, the poll loop, the reaping;
 *   - its reaped children's CPU time and minor faults (/proc/PID/stat cutime, cstime,
 *     cminflt): the child's copy-on-write faults and its exit (unmap_page_range);
 *   - the parent's mappings (/proc/PID/maps) and Rss/Anonymous (smaps_rollup).
 * It prints one line of key=value figures, per connection.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int port, pid;

static void die(const char *what)
{
    fprintf(stderr, "forkcost: %s: %s\n", what, strerror(errno));
    exit(1);
}

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* One connection; the server's child has exited when this returns. */
static void one(int echo)
{
    static const char ping[64] = "forkcost: sixty-four bytes of payload for the str_echo child..";
    char buf[64];
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = socket(AF_INET, SOCK_STREAM, 0), on = 1;
    if (fd < 0) die("socket");
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) die("connect");
    if (echo) {
        if (write(fd, ping, sizeof ping) != sizeof ping) die("write");
        for (size_t got = 0; got < sizeof buf;) {
            ssize_t n = read(fd, buf + got, sizeof buf - got);
            if (n <= 0) die("read (echo)");
            got += (size_t)n;
        }
        if (memcmp(buf, ping, sizeof ping) != 0) { fprintf(stderr, "forkcost: wrong echo\n"); exit(1); }
    }
    shutdown(fd, SHUT_WR);
    while (read(fd, buf, sizeof buf) > 0) {}
    close(fd);
}

struct usage { double parent_ns, child_ticks, child_minflt; };

static void read_usage(struct usage *u)
{
    char path[64], text[4096];
    snprintf(path, sizeof path, "/proc/%d/task/%d/schedstat", pid, pid);
    FILE *f = fopen(path, "r");
    if (!f || fscanf(f, "%lf", &u->parent_ns) != 1) die(path);
    fclose(f);
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    f = fopen(path, "r");
    if (!f || !fgets(text, sizeof text, f)) die(path);
    fclose(f);
    /* Fields after the command name, which may hold spaces: state is field 3. */
    char *p = strrchr(text, ')');
    unsigned long long v[20];
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %llu %llu %llu %llu %llu %llu %lld %lld",
                     &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], (long long *)&v[6], (long long *)&v[7]) != 8)
        die("parse stat");
    /* v: minflt cminflt majflt cmajflt utime stime cutime cstime */
    u->child_minflt = (double)v[1];
    u->child_ticks = (double)(v[6] + v[7]);
}

/* Waits (bounded) until the server has reaped every child, so cutime/cminflt hold them all. */
static void wait_reaped(void)
{
    char path[64], text[64];
    snprintf(path, sizeof path, "/proc/%d/task/%d/children", pid, pid);
    for (int i = 0; i < 2000; i++) {
        FILE *f = fopen(path, "r");
        if (!f) die(path);
        size_t n = fread(text, 1, sizeof text, f);
        fclose(f);
        if (n == 0) return;
        usleep(1000);
    }
    fprintf(stderr, "forkcost: the server still has children after 2 s\n");
    exit(1);
}

static long maps_count(void)
{
    char path[64], line[1024];
    long n = 0;
    snprintf(path, sizeof path, "/proc/%d/maps", pid);
    FILE *f = fopen(path, "r");
    if (!f) die(path);
    while (fgets(line, sizeof line, f)) if (strchr(line, '\n')) n++;
    fclose(f);
    return n;
}

static long rollup(const char *key)
{
    char path[64], line[256];
    long kib = -1;
    size_t len = strlen(key);
    snprintf(path, sizeof path, "/proc/%d/smaps_rollup", pid);
    FILE *f = fopen(path, "r");
    if (!f) die(path);
    while (fgets(line, sizeof line, f))
        if (strncmp(line, key, len) == 0 && line[len] == ':') kib = atol(line + len + 1);
    fclose(f);
    return kib;
}

int main(int argc, char **argv)
{
    if (argc != 5 || (strcmp(argv[4], "close") != 0 && strcmp(argv[4], "echo") != 0)) {
        fprintf(stderr, "usage: forkcost PORT PID COUNT close|echo\n");
        return 64;
    }
    port = atoi(argv[1]);
    pid = atoi(argv[2]);
    int count = atoi(argv[3]), echo = argv[4][0] == 'e';
    if (port <= 0 || pid <= 0 || count <= 0) {
        fprintf(stderr, "forkcost: PORT, PID and COUNT must be positive\nusage: forkcost PORT PID COUNT close|echo\n");
        return 64;
    }
    for (int i = 0; i < 50; i++) one(echo); /* warm-up: the first connections find colder caches */
    wait_reaped();
    struct usage a, b;
    read_usage(&a);
    double t0 = now_us();
    for (int i = 0; i < count; i++) one(echo);
    double wall = now_us() - t0;
    wait_reaped();
    read_usage(&b);
    double tick_us = 1e6 / (double)sysconf(_SC_CLK_TCK);
    printf("wall_us=%.1f parent_cpu_us=%.1f child_cpu_us=%.1f child_minflt=%.1f maps=%ld rss_kib=%ld anon_kib=%ld\n",
           wall / count, (b.parent_ns - a.parent_ns) / 1e3 / count,
           (b.child_ticks - a.child_ticks) * tick_us / count, (b.child_minflt - a.child_minflt) / count,
           maps_count(), rollup("Rss"), rollup("Anonymous"));
    return 0;
}
