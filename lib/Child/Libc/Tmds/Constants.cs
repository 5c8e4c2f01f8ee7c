// Tmds.LibC's constants, under the names and types the code has always used (SIG_DFL as nint,
// EPOLLIN as uint, F_WRLCK as short). The package has them as properties, not const: a C#
// pattern or case label cannot name them, so the code compares with == instead.
namespace UnpServers.Interop;

public static unsafe partial class LibC
{
    // <sys/socket.h>
    public static int AF_UNSPEC => Tmds.Linux.LibC.AF_UNSPEC;
    public static int AF_UNIX => Tmds.Linux.LibC.AF_UNIX;
    public static int AF_INET => Tmds.Linux.LibC.AF_INET;
    public static int AF_INET6 => Tmds.Linux.LibC.AF_INET6;
    public static int AF_NETLINK => Tmds.Linux.LibC.AF_NETLINK;
    public static int SOCK_STREAM => Tmds.Linux.LibC.SOCK_STREAM;
    public static int SOCK_DGRAM => Tmds.Linux.LibC.SOCK_DGRAM;
    public static int SOCK_NONBLOCK => Tmds.Linux.LibC.SOCK_NONBLOCK;
    public static int SOCK_CLOEXEC => Tmds.Linux.LibC.SOCK_CLOEXEC;
    public static int SOL_SOCKET => Tmds.Linux.LibC.SOL_SOCKET;
    public static int SO_REUSEADDR => Tmds.Linux.LibC.SO_REUSEADDR;
    public static int SO_TYPE => Tmds.Linux.LibC.SO_TYPE;
    public static int SO_ERROR => Tmds.Linux.LibC.SO_ERROR;
    public static int SO_SNDBUF => Tmds.Linux.LibC.SO_SNDBUF;
    public static int SO_KEEPALIVE => Tmds.Linux.LibC.SO_KEEPALIVE;
    public static int SO_LINGER => Tmds.Linux.LibC.SO_LINGER;
    public static int SHUT_RD => Tmds.Linux.LibC.SHUT_RD;
    public static int SHUT_WR => Tmds.Linux.LibC.SHUT_WR;
    public static int SHUT_RDWR => Tmds.Linux.LibC.SHUT_RDWR;
    public static int MSG_NOSIGNAL => Tmds.Linux.LibC.MSG_NOSIGNAL;
    public static int MSG_DONTWAIT => Tmds.Linux.LibC.MSG_DONTWAIT;
    public static int MSG_CMSG_CLOEXEC => Tmds.Linux.LibC.MSG_CMSG_CLOEXEC;

    // <netinet/in.h>
    public static int IPPROTO_TCP => Tmds.Linux.LibC.IPPROTO_TCP;
    public static int IPPROTO_IPV6 => Tmds.Linux.LibC.IPPROTO_IPV6;
    public static int IPV6_V6ONLY => Tmds.Linux.LibC.IPV6_V6ONLY;
    public static int TCP_NODELAY => Tmds.Linux.LibC.TCP_NODELAY;
    public static int TCP_KEEPIDLE => Tmds.Linux.LibC.TCP_KEEPIDLE;
    public static int TCP_KEEPINTVL => Tmds.Linux.LibC.TCP_KEEPINTVL;
    public static int TCP_KEEPCNT => Tmds.Linux.LibC.TCP_KEEPCNT;
    public static int INET_ADDRSTRLEN => Tmds.Linux.LibC.INET_ADDRSTRLEN;
    public static int INET6_ADDRSTRLEN => Tmds.Linux.LibC.INET6_ADDRSTRLEN;

    // <fcntl.h>
    public static int O_RDONLY => Tmds.Linux.LibC.O_RDONLY;
    public static int O_WRONLY => Tmds.Linux.LibC.O_WRONLY;
    public static int X_OK => Tmds.Linux.LibC.X_OK; // access(2)
    public static int O_RDWR => Tmds.Linux.LibC.O_RDWR;
    public static int O_CREAT => Tmds.Linux.LibC.O_CREAT;
    public static int O_TRUNC => Tmds.Linux.LibC.O_TRUNC;
    public static int O_DIRECTORY => Tmds.Linux.LibC.O_DIRECTORY;
    public static int O_APPEND => Tmds.Linux.LibC.O_APPEND;
    public static int O_NONBLOCK => Tmds.Linux.LibC.O_NONBLOCK;
    public static int O_CLOEXEC => Tmds.Linux.LibC.O_CLOEXEC;
    public static int F_GETFD => Tmds.Linux.LibC.F_GETFD;
    public static int F_DUPFD_CLOEXEC => Tmds.Linux.LibC.F_DUPFD_CLOEXEC;
    public static int F_SETFD => Tmds.Linux.LibC.F_SETFD;
    public static int F_GETFL => Tmds.Linux.LibC.F_GETFL;
    public static int F_SETFL => Tmds.Linux.LibC.F_SETFL;
    public static int FD_CLOEXEC => Tmds.Linux.LibC.FD_CLOEXEC;
    public static int F_SETLKW => Tmds.Linux.LibC.F_SETLKW;
    public static int F_SETPIPE_SZ => Tmds.Linux.LibC.F_SETPIPE_SZ;
    public static int F_GETPIPE_SZ => Tmds.Linux.LibC.F_GETPIPE_SZ;   // UNP 30.7: wait for a record lock
    public static short F_WRLCK => (short)Tmds.Linux.LibC.F_WRLCK;
    public static short F_UNLCK => (short)Tmds.Linux.LibC.F_UNLCK;

    // <sys/mman.h>
    public static int PROT_READ => Tmds.Linux.LibC.PROT_READ;
    public static int PROT_WRITE => Tmds.Linux.LibC.PROT_WRITE;
    public static int MAP_SHARED => Tmds.Linux.LibC.MAP_SHARED;
    public static int MAP_ANONYMOUS => Tmds.Linux.LibC.MAP_ANONYMOUS;
    public static nint MAP_FAILED => (nint)Tmds.Linux.LibC.MAP_FAILED;

    // <sys/socket.h>: ancillary data (UNP 14.6, 15.7)
    public static int SCM_RIGHTS => Tmds.Linux.LibC.SCM_RIGHTS;

    // <unistd.h>
    public static int SEEK_SET => Tmds.Linux.LibC.SEEK_SET;
    public static int SEEK_CUR => Tmds.Linux.LibC.SEEK_CUR;
    public static int SEEK_END => Tmds.Linux.LibC.SEEK_END;

    // <poll.h>
    public static short POLLIN => Tmds.Linux.LibC.POLLIN;
    public static short POLLOUT => Tmds.Linux.LibC.POLLOUT;
    public static short POLLERR => Tmds.Linux.LibC.POLLERR;
    public static short POLLHUP => Tmds.Linux.LibC.POLLHUP;
    public static short POLLNVAL => Tmds.Linux.LibC.POLLNVAL;

    // <sys/epoll.h>
    public static int EPOLL_CLOEXEC => Tmds.Linux.LibC.EPOLL_CLOEXEC;
    public static int EPOLL_CTL_ADD => Tmds.Linux.LibC.EPOLL_CTL_ADD;
    public static int EPOLL_CTL_DEL => Tmds.Linux.LibC.EPOLL_CTL_DEL;
    public static int EPOLL_CTL_MOD => Tmds.Linux.LibC.EPOLL_CTL_MOD;
    public static uint EPOLLIN => (uint)Tmds.Linux.LibC.EPOLLIN;
    public static uint EPOLLOUT => (uint)Tmds.Linux.LibC.EPOLLOUT;
    public static uint EPOLLERR => (uint)Tmds.Linux.LibC.EPOLLERR;
    public static uint EPOLLHUP => (uint)Tmds.Linux.LibC.EPOLLHUP;

    // <signal.h>
    public static int SIGHUP => Tmds.Linux.LibC.SIGHUP;
    public static int SIGINT => Tmds.Linux.LibC.SIGINT;
    public static int SIGQUIT => Tmds.Linux.LibC.SIGQUIT;
    public static int SIGILL => Tmds.Linux.LibC.SIGILL;
    public static int SIGTRAP => Tmds.Linux.LibC.SIGTRAP;
    public static int SIGABRT => Tmds.Linux.LibC.SIGABRT;
    public static int SIGBUS => Tmds.Linux.LibC.SIGBUS;
    public static int SIGFPE => Tmds.Linux.LibC.SIGFPE;
    public static int SIGKILL => Tmds.Linux.LibC.SIGKILL;
    public static int SIGUSR1 => Tmds.Linux.LibC.SIGUSR1;
    public static int SIGSEGV => Tmds.Linux.LibC.SIGSEGV;
    public static int SIGUSR2 => Tmds.Linux.LibC.SIGUSR2;
    public static int SIGPIPE => Tmds.Linux.LibC.SIGPIPE;
    public static int SIGALRM => Tmds.Linux.LibC.SIGALRM;
    public static int SIGTERM => Tmds.Linux.LibC.SIGTERM;
    public static int SIGCHLD => Tmds.Linux.LibC.SIGCHLD;
    public static int SIGCONT => Tmds.Linux.LibC.SIGCONT;
    public static int SIGSTOP => Tmds.Linux.LibC.SIGSTOP;
    public static int SIGTSTP => Tmds.Linux.LibC.SIGTSTP;
    public static int SIGTTIN => Tmds.Linux.LibC.SIGTTIN;
    public static int SIGTTOU => Tmds.Linux.LibC.SIGTTOU;
    public static int SIGWINCH => Tmds.Linux.LibC.SIGWINCH;
    /// <summary>Highest signal number + 1, real-time signals included.</summary>
    public static int NSIG => Tmds.Linux.LibC.NSIG;
    public static int SIG_BLOCK => Tmds.Linux.LibC.SIG_BLOCK;
    public static int SIG_UNBLOCK => Tmds.Linux.LibC.SIG_UNBLOCK;
    public static int SIG_SETMASK => Tmds.Linux.LibC.SIG_SETMASK;
    public static nint SIG_DFL => (nint)Tmds.Linux.LibC.SIG_DFL;
    public static nint SIG_IGN => (nint)Tmds.Linux.LibC.SIG_IGN;
    public static int SA_NOCLDSTOP => Tmds.Linux.LibC.SA_NOCLDSTOP;
    public static int SA_NOCLDWAIT => Tmds.Linux.LibC.SA_NOCLDWAIT;
    public static int SA_SIGINFO => Tmds.Linux.LibC.SA_SIGINFO;
    public static int SA_RESTART => Tmds.Linux.LibC.SA_RESTART;
    // si_code values for SIGCHLD
    public static int CLD_EXITED => Tmds.Linux.LibC.CLD_EXITED;
    public static int CLD_KILLED => Tmds.Linux.LibC.CLD_KILLED;
    public static int CLD_DUMPED => Tmds.Linux.LibC.CLD_DUMPED;
    public static int CLD_TRAPPED => Tmds.Linux.LibC.CLD_TRAPPED;
    public static int CLD_STOPPED => Tmds.Linux.LibC.CLD_STOPPED;
    public static int CLD_CONTINUED => Tmds.Linux.LibC.CLD_CONTINUED;

    // <termios.h>, <sys/ioctl.h>
    public static int TCSANOW => (int)Tmds.Linux.LibC.TCSANOW;
    public static uint ISIG => Tmds.Linux.LibC.ISIG;
    public static uint ICANON => Tmds.Linux.LibC.ICANON;
    public static uint ECHO => Tmds.Linux.LibC.ECHO;
    public static int VTIME => Tmds.Linux.LibC.VTIME;
    public static int VMIN => Tmds.Linux.LibC.VMIN;
    public static int TIOCGWINSZ => Tmds.Linux.LibC.TIOCGWINSZ;

    // <errno.h>
    /// <summary>errno as the last call left it (Marshal.GetLastWin32Error: a thread-local, no allocation).</summary>
    public static int errno => Tmds.Linux.LibC.errno;
    public static int EPERM => Tmds.Linux.LibC.EPERM;
    public static int ENOENT => Tmds.Linux.LibC.ENOENT;
    public static int ESRCH => Tmds.Linux.LibC.ESRCH;
    public static int EINTR => Tmds.Linux.LibC.EINTR;
    public static int EBADF => Tmds.Linux.LibC.EBADF;
    public static int ECHILD => Tmds.Linux.LibC.ECHILD;
    public static int EAGAIN => Tmds.Linux.LibC.EAGAIN;
    public static int EWOULDBLOCK => Tmds.Linux.LibC.EWOULDBLOCK;
    public static int ENOMEM => Tmds.Linux.LibC.ENOMEM;
    public static int EACCES => Tmds.Linux.LibC.EACCES;
    public static int EINVAL => Tmds.Linux.LibC.EINVAL;
    public static int ENOSPC => Tmds.Linux.LibC.ENOSPC;
    public static int ENFILE => Tmds.Linux.LibC.ENFILE;
    public static int EMFILE => Tmds.Linux.LibC.EMFILE;
    public static int EPIPE => Tmds.Linux.LibC.EPIPE;
    public static int ENONET => Tmds.Linux.LibC.ENONET;
    public static int EPROTO => Tmds.Linux.LibC.EPROTO;
    public static int ENOTSOCK => Tmds.Linux.LibC.ENOTSOCK;
    public static int ENOPROTOOPT => Tmds.Linux.LibC.ENOPROTOOPT;
    public static int EOPNOTSUPP => Tmds.Linux.LibC.EOPNOTSUPP;
    public static int EAFNOSUPPORT => Tmds.Linux.LibC.EAFNOSUPPORT;
    public static int EADDRINUSE => Tmds.Linux.LibC.EADDRINUSE;
    public static int EADDRNOTAVAIL => Tmds.Linux.LibC.EADDRNOTAVAIL;
    public static int ENETDOWN => Tmds.Linux.LibC.ENETDOWN;
    public static int ENETUNREACH => Tmds.Linux.LibC.ENETUNREACH;
    public static int ECONNABORTED => Tmds.Linux.LibC.ECONNABORTED;
    public static int ECONNRESET => Tmds.Linux.LibC.ECONNRESET;
    public static int ENOBUFS => Tmds.Linux.LibC.ENOBUFS;
    public static int ENOTCONN => Tmds.Linux.LibC.ENOTCONN;
    public static int ETIMEDOUT => Tmds.Linux.LibC.ETIMEDOUT;
    public static int ECONNREFUSED => Tmds.Linux.LibC.ECONNREFUSED;
    public static int EHOSTDOWN => Tmds.Linux.LibC.EHOSTDOWN;
    public static int EHOSTUNREACH => Tmds.Linux.LibC.EHOSTUNREACH;
    public static int EINPROGRESS => Tmds.Linux.LibC.EINPROGRESS;
    public static int EOWNERDEAD => Tmds.Linux.LibC.EOWNERDEAD;      // a robust mutex's owner died holding it
    public static int ENOTRECOVERABLE => Tmds.Linux.LibC.ENOTRECOVERABLE;
}
