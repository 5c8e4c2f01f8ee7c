/*
 * echosrv --model thread's twin: UNP 30.10 serv06, one thread per connection, no fork. The
 * main thread accepts; each connection gets a detached thread that serves it and ends.
 * Usage: serv06 [--port N] [--log FILE]
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "unp.h"

static void *doit(void *arg)
{
    pthread_detach(pthread_self());
    str_echo((int)(intptr_t)arg);
    close((int)(intptr_t)arg);
    return NULL;
}

int main(int argc, char **argv)
{
    struct servopts o;
    int listenfd = serv_start(argc, argv, 0, &o);
    serv_ready(listenfd);
    for (;;) {
        int connfd = Accept(listenfd);
        pthread_t tid;
        if ((errno = pthread_create(&tid, NULL, doit, (void *)(intptr_t)connfd)) != 0) {
            log_line("pthread_create error: %s", strerror(errno)); /* that client is closed; go on */
            close(connfd);
        }
    }
}
