/*
 * echosrv --model iterative's twin: UNP 30.4 serv00 (1.5 daytimetcpsrv), one client at a
 * time, served by the process that accepted it; the next waits in the listen queue.
 * Usage: serv00 [--port N] [--log FILE]
 */
#include <unistd.h>

#include "unp.h"

int main(int argc, char **argv)
{
    struct servopts o;
    int listenfd = serv_start(argc, argv, 0, &o);
    serv_ready(listenfd);
    for (;;) {
        int connfd = Accept(listenfd);
        str_echo(connfd);
        close(connfd);
    }
}
