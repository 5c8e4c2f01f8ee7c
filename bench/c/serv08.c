/*
 * echosrv --model prethread-main's twin: UNP 30.12 serv08, N threads created at start; the
 * main thread alone accepts and hands each connection to them through the clifd array,
 * under a mutex and a condition variable. Where the book quits when the array is full, the
 * main thread waits for room, as echosrv's does.
 * Usage: serv08 [--port N] [--workers N] [--log FILE]
 */
#include <pthread.h>
#include <unistd.h>

#include "unp.h"

#define MAXNCLI 32

static int clifd[MAXNCLI], iget, iput, nqueued;
static pthread_mutex_t clifd_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t clifd_cond = PTHREAD_COND_INITIALIZER, room_cond = PTHREAD_COND_INITIALIZER;

static void *thread_main(void *arg)
{
    (void)arg;
    for (;;) { /* UNP 30.12: until the process ends */
        pthread_mutex_lock(&clifd_mutex);
        while (nqueued == 0) pthread_cond_wait(&clifd_cond, &clifd_mutex);
        int connfd = clifd[iget];
        if (++iget == MAXNCLI) iget = 0;
        if (nqueued-- == MAXNCLI) pthread_cond_signal(&room_cond);
        pthread_mutex_unlock(&clifd_mutex);
        str_echo(connfd);
        close(connfd);
    }
    return NULL; /* not reached */
}

int main(int argc, char **argv)
{
    struct servopts o;
    int listenfd = serv_start(argc, argv, 1, &o);
    thread_make(o.workers, thread_main);
    serv_ready(listenfd);
    for (;;) {
        int connfd = Accept(listenfd);
        pthread_mutex_lock(&clifd_mutex);
        while (nqueued == MAXNCLI) pthread_cond_wait(&room_cond, &clifd_mutex);
        clifd[iput] = connfd;
        if (++iput == MAXNCLI) iput = 0;
        nqueued++;
        pthread_cond_signal(&clifd_cond);
        pthread_mutex_unlock(&clifd_mutex);
    }
}
