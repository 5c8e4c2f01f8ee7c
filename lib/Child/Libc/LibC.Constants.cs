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

    // <linux/netlink.h>, <linux/sock_diag.h>, <linux/inet_diag.h>: how ss reads sockets (unpwatch)
    public const int NETLINK_SOCK_DIAG = 4;
    public const ushort SOCK_DIAG_BY_FAMILY = 20;
    public const ushort TCPDIAG_GETSOCK = 18;
    public const ushort NLM_F_REQUEST = 0x1;
    public const ushort NLM_F_DUMP = 0x300;
    public const ushort NLMSG_ERROR = 2;
    public const ushort NLMSG_DONE = 3;
    public const ushort INET_DIAG_REQ_BYTECODE = 1;
    public const byte INET_DIAG_BC_JMP = 1;
    public const byte INET_DIAG_BC_S_EQ = 11;
    public const byte INET_DIAG_BC_D_EQ = 12;
    /// <summary>The TCP states of <netinet/tcp.h> (TCP_ESTABLISHED = 1 ... TCP_NEW_SYN_RECV = 12).</summary>
    public const int TCP_ESTABLISHED = 1;
    public const int TCP_SYN_SENT = 2;
    public const int TCP_SYN_RECV = 3;
    public const int TCP_FIN_WAIT1 = 4;
    public const int TCP_FIN_WAIT2 = 5;
    public const int TCP_TIME_WAIT = 6;
    public const int TCP_CLOSE = 7;
    public const int TCP_CLOSE_WAIT = 8;
    public const int TCP_LAST_ACK = 9;
    public const int TCP_LISTEN = 10;
    public const int TCP_CLOSING = 11;
    public const int TCP_NEW_SYN_RECV = 12;

    // <time.h>, <unistd.h>, <sys/resource.h>
    public const int CLOCK_THREAD_CPUTIME_ID = 3;
    public const int CLOCK_BOOTTIME = 7;
    public const int _SC_CLK_TCK = 2;
    public const int RLIMIT_NOFILE = 7;

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
