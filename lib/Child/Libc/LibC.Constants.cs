// Every numeric constant the bindings use, in one place (Linux, x86_64 and arm64 glibc).
namespace UnpServers.Interop;

public static partial class LibC
{
    // <sys/socket.h>
    public const int AF_UNSPEC = 0;
    public const int AF_UNIX = 1;
    public const int AF_INET = 2;
    public const int AF_INET6 = 10;
    public const int SOCK_STREAM = 1;
    public const int SOCK_NONBLOCK = 0x800;
    public const int SOCK_CLOEXEC = 0x80000;
    public const int SOL_SOCKET = 1;
    public const int SO_REUSEADDR = 2;
    public const int SO_TYPE = 3;
    public const int SO_ERROR = 4;
    public const int SO_SNDBUF = 7;
    public const int SO_KEEPALIVE = 9;
    public const int SO_LINGER = 13;
    public const int SHUT_RD = 0;
    public const int SHUT_WR = 1;
    public const int SHUT_RDWR = 2;
    public const int MSG_NOSIGNAL = 0x4000;
    public const int MSG_DONTWAIT = 0x40;
    public const int MSG_CMSG_CLOEXEC = 0x40000000;

    // <netinet/in.h>
    public const int IPPROTO_TCP = 6;
    public const int IPPROTO_IPV6 = 41;
    public const int IPV6_V6ONLY = 26;
    public const int TCP_NODELAY = 1;
    public const int TCP_KEEPIDLE = 4;
    public const int TCP_KEEPINTVL = 5;
    public const int TCP_KEEPCNT = 6;
    /// <summary>The kernel's MAX_TCP_KEEPIDLE (and MAX_TCP_KEEPINTVL): seconds.</summary>
    public const int MAX_TCP_KEEPIDLE = 32767;
    public const int INET_ADDRSTRLEN = 16;
    public const int INET6_ADDRSTRLEN = 46;

    // <netdb.h>
    public const int AI_PASSIVE = 0x1;
    public const int AI_CANONNAME = 0x2;
    public const int AI_NUMERICHOST = 0x4;
    public const int AI_V4MAPPED = 0x8;
    public const int AI_ALL = 0x10;
    public const int AI_ADDRCONFIG = 0x20;
    public const int AI_NUMERICSERV = 0x400;
    public const int EAI_SYSTEM = -11;

    // <fcntl.h>
    public const int O_RDONLY = 0;
    public const int O_WRONLY = 1;
    public const int X_OK = 1; // access(2)
    public const int O_RDWR = 2;
    public const int O_CREAT = 0x40;
    public const int O_TRUNC = 0x200;
    public const int O_APPEND = 0x400;
    public const int O_NONBLOCK = 0x800;
    public const int O_CLOEXEC = 0x80000;
    public const int F_GETFD = 1;
    public const int F_DUPFD_CLOEXEC = 1030;
    public const int F_SETFD = 2;
    public const int F_GETFL = 3;
    public const int F_SETFL = 4;
    public const int FD_CLOEXEC = 1;
    public const int F_SETLKW = 7;   // UNP 30.7: wait for a record lock
    public const int F_SETPIPE_SZ = 1031;
    public const int F_GETPIPE_SZ = 1032;
    public const int O_DIRECTORY = 0x10000;
    public const short F_WRLCK = 1;
    public const short F_UNLCK = 2;

    // <linux/netlink.h>, <linux/sock_diag.h>, <linux/inet_diag.h>: how ss reads sockets (unpwatch)
    public const int AF_NETLINK = 16;
    public const int SOCK_DGRAM = 2;
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

    // <termios.h>, <sys/ioctl.h> (the same values on x86_64 and arm64)
    public const int TCSANOW = 0;
    public const uint ISIG = 0x1;
    public const uint ICANON = 0x2;
    public const uint ECHO = 0x8;
    public const int VTIME = 5;
    public const int VMIN = 6;
    public const ulong TIOCGWINSZ = 0x5413;

    // <time.h>, <unistd.h>, <sys/resource.h>
    public const int CLOCK_THREAD_CPUTIME_ID = 3;
    public const int CLOCK_BOOTTIME = 7;
    public const int _SC_CLK_TCK = 2;
    public const int RLIMIT_NOFILE = 7;

    // <sys/prctl.h>
    public const int PR_SET_PDEATHSIG = 1;

    // <sys/mman.h>
    public const int PROT_READ = 0x1;
    public const int PROT_WRITE = 0x2;
    public const int MAP_SHARED = 0x01;
    public const int MAP_ANONYMOUS = 0x20;
    public const nint MAP_FAILED = -1;

    // <pthread.h>
    public const int PTHREAD_PROCESS_SHARED = 1;
    public const int PTHREAD_MUTEX_ROBUST = 1;
    /// <summary>Room for a pthread_mutex_t (40 bytes on x86_64, 48 on arm64) and a pthread_mutexattr_t (4, 8).</summary>
    public const int PTHREAD_MUTEX_SIZE = 64;
    public const int PTHREAD_MUTEXATTR_SIZE = 16;

    // <sys/socket.h>: ancillary data (UNP 14.6, 15.7)
    public const int SCM_RIGHTS = 1;

    // <unistd.h>
    public const int SEEK_SET = 0;
    public const int SEEK_CUR = 1;
    public const int SEEK_END = 2;

    // <poll.h>
    public const short POLLIN = 0x1;
    public const short POLLOUT = 0x4;
    public const short POLLERR = 0x8;
    public const short POLLHUP = 0x10;
    public const short POLLNVAL = 0x20;

    // <sys/select.h>
    public const int FD_SETSIZE = 1024;

    // <sys/epoll.h>
    public const int EPOLL_CLOEXEC = 0x80000;
    public const int EPOLL_CTL_ADD = 1;
    public const int EPOLL_CTL_DEL = 2;
    public const int EPOLL_CTL_MOD = 3;
    public const uint EPOLLIN = 0x1;
    public const uint EPOLLOUT = 0x4;
    public const uint EPOLLERR = 0x8;
    public const uint EPOLLHUP = 0x10;

    // <signal.h>
    public const int SIGHUP = 1;
    public const int SIGINT = 2;
    public const int SIGQUIT = 3;
    public const int SIGILL = 4;
    public const int SIGTRAP = 5;
    public const int SIGABRT = 6;
    public const int SIGBUS = 7;
    public const int SIGFPE = 8;
    public const int SIGKILL = 9;
    public const int SIGUSR1 = 10;
    public const int SIGSEGV = 11;
    public const int SIGUSR2 = 12;
    public const int SIGPIPE = 13;
    public const int SIGALRM = 14;
    public const int SIGTERM = 15;
    public const int SIGCHLD = 17;
    public const int SIGCONT = 18;
    public const int SIGSTOP = 19;
    public const int SIGTSTP = 20;
    public const int SIGTTIN = 21;
    public const int SIGTTOU = 22;
    public const int SIGWINCH = 28;
    /// <summary>Highest signal number + 1, real-time signals included.</summary>
    public const int NSIG = 65;
    public const int SIG_BLOCK = 0;
    public const int SIG_UNBLOCK = 1;
    public const int SIG_SETMASK = 2;
    public const nint SIG_DFL = 0;
    public const nint SIG_IGN = 1;
    public const int SA_NOCLDSTOP = 0x1;
    public const int SA_NOCLDWAIT = 0x2;
    public const int SA_SIGINFO = 0x4;
    public const int SA_RESTART = 0x10000000;
    public const int SFD_NONBLOCK = 0x800;
    public const int SFD_CLOEXEC = 0x80000;
    // si_code values for SIGCHLD
    public const int CLD_EXITED = 1;
    public const int CLD_KILLED = 2;
    public const int CLD_DUMPED = 3;
    public const int CLD_TRAPPED = 4;
    public const int CLD_STOPPED = 5;
    public const int CLD_CONTINUED = 6;

    // <sys/wait.h>
    public const int WNOHANG = 1;
    public const int WEXITED = 4;
    public const int WNOWAIT = 0x1000000;
    public const int P_ALL = 0;
    public const int P_PID = 1;
    public const int P_PIDFD = 3;

    // <sysexits.h>
    public const int EX_USAGE = 64;

    // <errno.h>
    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int ESRCH = 3;
    public const int EINTR = 4;
    public const int EBADF = 9;
    public const int ECHILD = 10;
    public const int EAGAIN = 11;
    public const int EWOULDBLOCK = EAGAIN;
    public const int ENOMEM = 12;
    public const int EACCES = 13;
    public const int EINVAL = 22;
    public const int ENOSPC = 28;
    public const int ENFILE = 23;
    public const int EMFILE = 24;
    public const int EPIPE = 32;
    public const int ENONET = 64;
    public const int EPROTO = 71;
    public const int ENOTSOCK = 88;
    public const int ENOPROTOOPT = 92;
    public const int EOPNOTSUPP = 95;
    public const int EAFNOSUPPORT = 97;
    public const int EADDRINUSE = 98;
    public const int EADDRNOTAVAIL = 99;
    public const int ENETDOWN = 100;
    public const int ENETUNREACH = 101;
    public const int ECONNABORTED = 103;
    public const int ECONNRESET = 104;
    public const int ENOBUFS = 105;
    public const int ENOTCONN = 107;
    public const int ETIMEDOUT = 110;
    public const int ECONNREFUSED = 111;
    public const int EHOSTDOWN = 112;
    public const int EHOSTUNREACH = 113;
    public const int EINPROGRESS = 115;
    public const int EOWNERDEAD = 130;      // a robust mutex's owner died holding it
    public const int ENOTRECOVERABLE = 131;
}
