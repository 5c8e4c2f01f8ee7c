/*
 * echosrv --model prefork-flock's twin: UNP 30.7 serv03, serv02 with accept() serialised by
 * an fcntl() record lock on a file (lock_fcntl.c), as echosrv's lib/Unp/LockFcntl.cs: the
 * file made by mkstemp and unlinked at once, its descriptor inherited by every child.
 * Usage: serv03 [--port N] [--workers N] [--log FILE]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "unp.h"

static int lock_fd = -1;
static struct flock lock_it, unlock_it;

/* UNP 30.7 my_lock_init */
static void my_lock_init(void)
{
    char lock_file[] = "/tmp/lock.XXXXXX";
    if ((lock_fd = mkstemp(lock_file)) < 0) err_sys("mkstemp");
    unlink(lock_file); /* the descriptor is all the lock needs */
    lock_it.l_type = F_WRLCK;
    lock_it.l_whence = SEEK_SET;
    unlock_it.l_type = F_UNLCK;
    unlock_it.l_whence = SEEK_SET;
}

static void my_lock_wait(void)
{
    while (fcntl(lock_fd, F_SETLKW, &lock_it) < 0)
        if (errno != EINTR) err_sys("fcntl");
}

static void my_lock_release(void)
{
    if (fcntl(lock_fd, F_SETLKW, &unlock_it) < 0) err_sys("fcntl");
}

int main(int argc, char **argv)
{
    return prefork_main(argc, argv, my_lock_init, my_lock_wait, my_lock_release);
}
