/*
 * forkmodel: the cost model behind make forkcost. A C process shaped like a .NET parent,
 * by arguments: it maps NONE empty PROT_NONE reservations and ANON read-write anonymous
 * mappings of KIB KiB each, touches every page, then times COUNT x (fork, child _exit(0),
 * waitpid) and prints microseconds per fork, and the child's share (its CPU time, from
 * wait4: the exit that tears the copy down).
 * Usage: forkmodel NONE ANON KIB COUNT      e.g. forkmodel 72 75 56 2000 (echosrv's shape)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

int main(int argc, char **argv)
{
    if (argc != 5) { fprintf(stderr, "usage: forkmodel NONE ANON KIB COUNT\n"); return 64; }
    int none = atoi(argv[1]), anon = atoi(argv[2]), kib = atoi(argv[3]), count = atoi(argv[4]);
    if (none < 0 || anon < 0 || kib < 0 || count < 1) { fprintf(stderr, "usage: forkmodel NONE ANON KIB COUNT\n"); return 64; }
    /* Each followed by a one-page read-only mapping, so that the kernel cannot merge neighbours into one. */
    for (int i = 0; i < none; i++) {
        char *p = mmap(NULL, (1 << 20) + 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p == MAP_FAILED) { perror("mmap"); return 1; }
        mprotect(p + (1 << 20), 4096, PROT_READ);
    }
    for (int i = 0; i < anon; i++) {
        size_t len = (size_t)kib << 10;
        char *p = mmap(NULL, len + 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) { perror("mmap"); return 1; }
        mprotect(p + len, 4096, PROT_NONE);
        memset(p, 1, len);
    }
    double child_us = 0, t0 = now_us();
    for (int i = 0; i < count; i++) {
        pid_t pid = fork();
        if (pid == 0) _exit(0);
        int status;
        struct rusage ru;
        if (pid < 0 || wait4(pid, &status, 0, &ru) != pid) { perror("fork/wait4"); return 1; }
        child_us += ru.ru_utime.tv_sec * 1e6 + ru.ru_utime.tv_usec + ru.ru_stime.tv_sec * 1e6 + ru.ru_stime.tv_usec;
    }
    FILE *f = fopen("/proc/self/maps", "r");
    int maps = 0, c;
    while (f && (c = fgetc(f)) != EOF) maps += c == '\n';
    if (f) fclose(f);
    printf("maps=%d anon_kib=%d fork_us=%.1f child_cpu_us=%.1f\n", maps, anon * kib, (now_us() - t0) / count, child_us / count);
    return 0;
}
