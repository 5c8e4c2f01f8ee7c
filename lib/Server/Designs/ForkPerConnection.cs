// UNP 5.10 tcpserv04, 30.5: one child forked per connection. With --exec, UNP 4.7's
// variant: the child execs a fresh copy of the program on the connection (R5).
// The book's loop, turned inside out for .NET: one poll() over the listening socket and
// the signalfd, so accept(), SIGCHLD and the stop signals share the one managed thread (R2).
//
//   for ( ; ; ) {
//       poll(listenfd, signalfd)
//       signals:  SIGCHLD -> reap;  TERM/INT -> stop;  HUP -> reopen log;  USR1 -> stats
//       listenfd: connfd = accept(); if ((childpid = Fork()) == 0) { str_echo(connfd); _exit(0); }
//                 close(connfd);
//   }
using UnpServers.Child;
using UnpServers.ForkSafety;
using UnpServers.Interop;
using UnpServers.Unp;

namespace UnpServers.Server.Designs;

public sealed class ForkPerConnection : ServerDesign
{
    /// <summary>Accepts per wake-up, so SIGCHLD is read (and zombies reaped) between bursts.</summary>
    private const int AcceptBurst = 16;

    public override void Prepare(ServerCore core) => PrepareFork(core);

    public override int Serve(ServerCore core)
    {
        Span<pollfd> fds = stackalloc pollfd[2];
        for (;;)
        {
            bool accepting = core.AcceptingNow(core.Children.Running, out int timeoutMs);
            int reapMs = core.Reaper.PollIntervalMs;
            if (reapMs > 0 && (timeoutMs < 0 || timeoutMs > reapMs)) timeoutMs = reapMs;
            fds[0] = new pollfd { fd = core.Signals.Fd, events = LibC.POLLIN };
            fds[1] = new pollfd { fd = accepting ? core.ListenFd : -1, events = LibC.POLLIN }; // poll() skips a negative descriptor
            if (core.Poll(fds, timeoutMs) == 0)
            {
                core.Reaper.Poll(); // quiet for a while: a chance to notice late releases (--reap ignore)
                continue;
            }
            if (fds[0].revents != 0 && core.HandleSignals()) return core.Stop();
            if (fds[1].revents != 0 && AcceptSome(core) is int fatal and not 0) return core.FatalAcceptError(fatal);
        }
    }

    /// <summary>Accepts what is queued, forking one child per connection; returns 0, or the errno of a fatal accept error.</summary>
    private static int AcceptSome(ServerCore core)
    {
        for (int burst = 0; burst < AcceptBurst && core.Children.Running < core.Options.MaxChildren; burst++)
        {
            int connfd = core.Accept(out int fatal);
            if (connfd < 0) return fatal;

            int pid = core.ExecPlan != null
                ? ChildMain.ForkAndExec(connfd, core.ExecPlan, Log.FileFd)
                : ChildMain.ForkAndServe(connfd, core.Service); // the child never returns from either
            if (pid < 0)
            {
                int err = Errno.Last;
                core.Stats.ForkFailures++;
                Log.Error(Log.Line().Add("fork error: "u8).AddErrno(err));
                LibC.close(connfd);
                core.PauseAccepting();
                return 0;
            }
            LibC.close(connfd); // UNP 4.8: the parent closes the connected socket; the child has it
            core.TrackChild(pid);
        }
        return 0;
    }
}
