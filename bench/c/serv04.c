/*
 * echosrv --model prefork-mutex's twin: UNP 30.8 serv04, serv02 with accept() serialised by
 * a pthread mutex in memory shared by the parent and its children (lock_pthread.c), made
 * PTHREAD_PROCESS_SHARED and, as echosrv's lib/Unp/LockPthread.cs, robust.
 * Usage: serv04 [--port N] [--workers N] [--log FILE]
 */
#include <errno.h>
#include <pthread.h>
#include <sys/mman.h>

#include "unp.h"

static pthread_mutex_t *mptr; /* the mutex, in shared memory */

/* UNP 30.8 my_lock_init */
static void my_lock_init(void)
{
    pthread_mutexattr_t mattr;
    mptr = mmap(0, sizeof(pthread_mutex_t), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (mptr == MAP_FAILED) err_sys("mmap");
    pthread_mutexattr_init(&mattr);
    pthread_mutexattr_setpshared(&mattr, PTHREAD_PROCESS_SHARED);
    pthread_mutexattr_setrobust(&mattr, PTHREAD_MUTEX_ROBUST);
    if ((errno = pthread_mutex_init(mptr, &mattr)) != 0) err_sys("pthread_mutex_init");
    pthread_mutexattr_destroy(&mattr);
}

static void my_lock_wait(void)
{
    int rc = pthread_mutex_lock(mptr);
    if (rc == EOWNERDEAD) rc = pthread_mutex_consistent(mptr); /* its holder was killed: ours now */
    if ((errno = rc) != 0) err_sys("pthread_mutex_lock");
}

static void my_lock_release(void)
{
    if ((errno = pthread_mutex_unlock(mptr)) != 0) err_sys("pthread_mutex_unlock");
}

int main(int argc, char **argv)
{
    return prefork_main(argc, argv, my_lock_init, my_lock_wait, my_lock_release);
}
