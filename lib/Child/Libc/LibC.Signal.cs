// <signal.h>, <sys/signalfd.h>
using System.Runtime.InteropServices;

namespace UnpServers.Interop;

public static unsafe partial class LibC
{
    [LibraryImport(Library, SetLastError = true)]
    public static partial int sigaction(int signum, sigaction_t* act, sigaction_t* oldact);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int sigprocmask(int how, sigset_t* set, sigset_t* oldset);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int sigemptyset(sigset_t* set);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int sigfillset(sigset_t* set);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int sigaddset(sigset_t* set, int signum);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int sigdelset(sigset_t* set, int signum);

    [LibraryImport(Library)]
    public static partial int sigismember(sigset_t* set, int signum);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int signalfd(int fd, sigset_t* mask, int flags);

    // Pointer-free overloads.

    public static int sigaction(int signum, sigaction_t act) => sigaction(signum, &act, null);

    /// <summary>Reads the current action without changing it.</summary>
    public static int sigaction(int signum, out sigaction_t oldact)
    {
        sigaction_t o;
        int rc = sigaction(signum, null, &o);
        oldact = o;
        return rc;
    }

    public static int sigprocmask(int how, in sigset_t set, out sigset_t oldset)
    {
        sigset_t s = set, o;
        int rc = sigprocmask(how, &s, &o);
        oldset = o;
        return rc;
    }

    public static int sigprocmask(int how, in sigset_t set)
    {
        sigset_t s = set;
        return sigprocmask(how, &s, null);
    }

    public static int sigemptyset(out sigset_t set)
    {
        sigset_t s;
        int rc = sigemptyset(&s);
        set = s;
        return rc;
    }

    public static int sigfillset(out sigset_t set)
    {
        sigset_t s;
        int rc = sigfillset(&s);
        set = s;
        return rc;
    }

    public static int sigaddset(ref sigset_t set, int signum)
    {
        fixed (sigset_t* s = &set) return sigaddset(s, signum);
    }

    public static int sigdelset(ref sigset_t set, int signum)
    {
        fixed (sigset_t* s = &set) return sigdelset(s, signum);
    }

    public static int sigismember(in sigset_t set, int signum)
    {
        sigset_t s = set;
        return sigismember(&s, signum);
    }

    public static int signalfd(int fd, in sigset_t mask, int flags)
    {
        sigset_t m = mask;
        return signalfd(fd, &m, flags);
    }

    /// <summary>read(2) of one signalfd_siginfo; returns bytes read or -1.</summary>
    public static nint read(int fd, out signalfd_siginfo info)
    {
        signalfd_siginfo i;
        nint n = read(fd, (byte*)&i, (nuint)sizeof(signalfd_siginfo));
        info = i;
        return n;
    }
}
