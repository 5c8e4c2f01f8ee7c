// The constants Tmds.LibC does not bind, grouped by C header (Linux, x86_64 and arm64 glibc).
namespace UnpServers.Interop;

public static partial class LibC
{
    // <netinet/in.h>
    /// <summary>The kernel's MAX_TCP_KEEPIDLE (and MAX_TCP_KEEPINTVL): seconds.</summary>
    public const int MAX_TCP_KEEPIDLE = 32767;

    // <netdb.h>
    public const int AI_PASSIVE = 0x1;
    public const int AI_CANONNAME = 0x2;
    public const int AI_NUMERICHOST = 0x4;
    public const int AI_V4MAPPED = 0x8;
    public const int AI_ALL = 0x10;
    public const int AI_ADDRCONFIG = 0x20;
    public const int AI_NUMERICSERV = 0x400;
    public const int EAI_SYSTEM = -11;

    // <sys/prctl.h>
    public const int PR_SET_PDEATHSIG = 1;

    // <pthread.h>
    public const int PTHREAD_PROCESS_SHARED = 1;
    public const int PTHREAD_MUTEX_ROBUST = 1;
    /// <summary>Room for a pthread_mutex_t (40 bytes on x86_64, 48 on arm64) and a pthread_mutexattr_t (4, 8).</summary>
    public const int PTHREAD_MUTEX_SIZE = 64;
    public const int PTHREAD_MUTEXATTR_SIZE = 16;

    // <sys/select.h>
    public const int FD_SETSIZE = 1024;

    // <sys/signalfd.h>
    public const int SFD_NONBLOCK = 0x800;
    public const int SFD_CLOEXEC = 0x80000;

    // <sys/wait.h>
    public const int WNOHANG = 1;
    public const int WEXITED = 4;
    public const int WNOWAIT = 0x1000000;
    public const int P_ALL = 0;
    public const int P_PID = 1;
    public const int P_PIDFD = 3;

    // <sysexits.h>
    public const int EX_USAGE = 64;
}
