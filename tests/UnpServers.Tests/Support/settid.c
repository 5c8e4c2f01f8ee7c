/* settid PID PROGRAM [ARG...]: runs PROGRAM as a child whose pid is PID, prints that pid and
 * waits for it. clone3(2)'s set_tid (Linux 5.5, root) takes that one pid if it is free and
 * leaves the kernel's pid cursor alone; a write to /proc/sys/kernel/ns_last_pid instead rewinds
 * it for every process on the machine, which then reuses just-freed pids at once.
 * For PidReuseTests; compiled by the test with the gcc the build needs anyway. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: settid PID PROGRAM [ARG...]\n");
        return 64;
    }
    pid_t want = (pid_t)atoi(argv[1]);
    struct clone_args args;
    memset(&args, 0, sizeof args);
    args.exit_signal = SIGCHLD;
    args.set_tid = (uint64_t)(uintptr_t)&want;
    args.set_tid_size = 1;
    long pid = syscall(SYS_clone3, &args, sizeof args);
    if (pid < 0) {
        fprintf(stderr, "clone3 error: %s\n", strerror(errno)); /* EEXIST: the pid is taken */
        return 1;
    }
    if (pid == 0) {
        execvp(argv[2], argv + 2);
        _exit(127);
    }
    printf("%ld\n", pid);
    fflush(stdout);
    int status;
    while (waitpid((pid_t)pid, &status, 0) < 0 && errno == EINTR)
        ;
    return 0;
}
