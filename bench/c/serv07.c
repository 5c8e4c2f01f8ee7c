/*
 * echosrv --model prethread's twin: UNP 30.11 serv07, N threads created at start, each
 * accepting on the shared listener under a mutex, so one thread at a time is in accept().
 * Usage: serv07 [--port N] [--workers N] [--log FILE]
 */
#include <pthread.h>
#include <unistd.h>

#include "unp.h"

static int listenfd;
static pthread_mutex_t mlock = PTHREAD_MUTEX_INITIALIZER;

static void lock_wait(void) { pthread_mutex_lock(&mlock); }

static void lock_release(void) { pthread_mutex_unlock(&mlock); }

static void *thread_main(void *arg)
{
    (void)arg;
    accept_loop(listenfd, lock_wait, lock_release);
    return NULL;
}

int main(int argc, char **argv)
{
    struct servopts o;
    listenfd = serv_start(argc, argv, 1, &o);
    thread_make(o.workers, thread_main);
    serv_ready(listenfd);
    for (;;) pause(); /* everything is done by the threads */
}
