// <pthread.h>: what Tmds.LibC does not bind: the pthread_mutex calls, for a process-shared,
// robust mutex in shared memory (UNP 30.8). The objects live at addresses in an mmap'd region,
// so they are passed as pointers (nint).
using System.Runtime.InteropServices;

namespace UnpServers.Interop;

public static partial class LibC
{
    // pthread functions return the error number instead of setting errno.

    [LibraryImport(Library)]
    public static partial int pthread_mutexattr_init(nint attr);

    [LibraryImport(Library)]
    public static partial int pthread_mutexattr_setpshared(nint attr, int pshared);

    [LibraryImport(Library)]
    public static partial int pthread_mutexattr_setrobust(nint attr, int robustness);

    [LibraryImport(Library)]
    public static partial int pthread_mutexattr_destroy(nint attr);

    [LibraryImport(Library)]
    public static partial int pthread_mutex_init(nint mutex, nint attr);

    [LibraryImport(Library)]
    public static partial int pthread_mutex_lock(nint mutex);

    [LibraryImport(Library)]
    public static partial int pthread_mutex_unlock(nint mutex);

    [LibraryImport(Library)]
    public static partial int pthread_mutex_consistent(nint mutex);
}
