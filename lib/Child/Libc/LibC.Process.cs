// <sys/wait.h>, <sys/prctl.h>, <unistd.h>: what Tmds.LibC does not bind: waitpid, wait, waitid,
// prctl, _Fork.
using System.Runtime.InteropServices;

namespace UnpServers.Interop;

public static unsafe partial class LibC
{
    [LibraryImport(Library, SetLastError = true)]
    private static partial int waitpid(int pid, int* wstatus, int options);

    [LibraryImport(Library, SetLastError = true)]
    private static partial int wait(int* wstatus);

    [LibraryImport(Library, SetLastError = true)]
    private static partial int waitid(int idtype, int id, siginfo_t* infop, int options);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    public const int PR_SET_CHILD_SUBREAPER = 36;

    /// <summary>
    /// fork(2) without glibc's atfork work (POSIX.1-2024, glibc 2.34): the child may call only
    /// async-signal-safe functions, which is fork-safety R4 (docs/fork-safety.md, R3).
    /// </summary>
    [LibraryImport(Library, EntryPoint = "_Fork", SetLastError = true)]
    public static partial int _Fork();

    public static int waitpid(int pid, out int wstatus, int options)
    {
        int s = 0;
        int rc = waitpid(pid, &s, options);
        wstatus = s;
        return rc;
    }

    public static int wait(out int wstatus)
    {
        int s = 0;
        int rc = wait(&s);
        wstatus = s;
        return rc;
    }

    public static int waitid(int idtype, int id, out siginfo_t info, int options)
    {
        siginfo_t i = default;
        int rc = waitid(idtype, id, &i, options);
        info = i;
        return rc;
    }

    // The <sys/wait.h> status macros.
    public static bool WIFEXITED(int status) => (status & 0x7f) == 0;
    public static int WEXITSTATUS(int status) => (status >> 8) & 0xff;
    public static int WTERMSIG(int status) => status & 0x7f;
    public static bool WCOREDUMP(int status) => (status & 0x80) != 0;
}
