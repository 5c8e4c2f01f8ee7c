// <signal.h>: Tmds.LibC's signal calls, with pointer-free overloads. sigaction_t (LibC.Types.cs)
// is the pointer-free form of the package's struct sigaction, copied field by field.
using Tmds.Linux;

namespace UnpServers.Interop;

public static unsafe partial class LibC
{
    // The package's SIG_DFL and SIG_IGN are void*, which code outside Libc/ (no unsafe code)
    // cannot hold: these are them as the nint of sigaction_t.sa_handler.
    public static nint SIG_DFL => (nint)Tmds.Linux.LibC.SIG_DFL;
    public static nint SIG_IGN => (nint)Tmds.Linux.LibC.SIG_IGN;

    public static int kill(int pid, int sig) => Tmds.Linux.LibC.kill(pid, sig);

    public static int sigaction(int signum, sigaction_t act)
    {
        sigaction a = default;
        a.sa_handler = (void*)act.sa_handler;
        a.sa_mask = act.sa_mask;
        a.sa_flags = act.sa_flags;
        return Tmds.Linux.LibC.sigaction(signum, &a, null);
    }

    /// <summary>Reads the current action without changing it.</summary>
    public static int sigaction(int signum, out sigaction_t oldact)
    {
        sigaction o;
        int rc = Tmds.Linux.LibC.sigaction(signum, null, &o);
        oldact = new sigaction_t { sa_handler = (nint)o.sa_handler, sa_mask = o.sa_mask, sa_flags = o.sa_flags };
        return rc;
    }

    public static int sigprocmask(int how, in sigset_t set, out sigset_t oldset)
    {
        sigset_t s = set, o;
        int rc = Tmds.Linux.LibC.sigprocmask(how, &s, &o);
        oldset = o;
        return rc;
    }

    public static int sigprocmask(int how, in sigset_t set)
    {
        sigset_t s = set;
        return Tmds.Linux.LibC.sigprocmask(how, &s, null);
    }

    public static int sigemptyset(out sigset_t set)
    {
        sigset_t s;
        int rc = Tmds.Linux.LibC.sigemptyset(&s);
        set = s;
        return rc;
    }

    public static int sigfillset(out sigset_t set)
    {
        sigset_t s;
        int rc = Tmds.Linux.LibC.sigfillset(&s);
        set = s;
        return rc;
    }

    public static int sigaddset(ref sigset_t set, int signum)
    {
        fixed (sigset_t* s = &set) return Tmds.Linux.LibC.sigaddset(s, signum);
    }

    public static int sigdelset(ref sigset_t set, int signum)
    {
        fixed (sigset_t* s = &set) return Tmds.Linux.LibC.sigdelset(s, signum);
    }

    public static int sigismember(in sigset_t set, int signum)
    {
        sigset_t s = set;
        return Tmds.Linux.LibC.sigismember(&s, signum);
    }
}
