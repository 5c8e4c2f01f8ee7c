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
using UnpServers.Interop;
using UnpServers.Unp;

namespace UnpServers.Server.Designs;

public sealed class ForkPerConnection : ForkingDesign
{
    public override void Prepare(ServerCore core)
    {
        base.Prepare(core);
        PrepareFork(core);
    }

    public override int Serve(ServerCore core)
    {
        for (;;)
        {
            bool accepting = core.Listener.AcceptingNow(Children.Running, out int timeoutMs);
            int reapMs = Children.Reaper.PollIntervalMs;
            if (reapMs > 0 && (timeoutMs < 0 || timeoutMs > reapMs)) timeoutMs = reapMs;
            Ready ready = core.Wait(accepting, -1, timeoutMs);
            if (ready == Ready.None) Children.Reaper.Poll(); // quiet for a while: a chance to notice late releases (--reap ignore)
            if (ready == Ready.Stop) return core.Stop();
            if ((ready & Ready.Listener) != 0 && AcceptSome(core) is int fatal and not 0) return core.FatalAcceptError(fatal);
        }
    }

    /// <summary>Accepts what is queued, forking one child per connection; returns 0, or the errno of a fatal accept error.</summary>
    private int AcceptSome(ServerCore core)
    {
        Listener listener = core.Listener;
        for (int burst = 0; burst < Tunables.AcceptBurst && Children.Running < core.Options.MaxChildren; burst++)
        {
            int connfd = listener.Accept(out int fatal);
            if (connfd < 0) return fatal;

            int pid = core.ExecPlan != null
                ? ChildMain.ForkAndExec(connfd, core.ExecPlan, Log.FileFd)
                : ChildMain.ForkAndServe(connfd, core.Service); // the child never returns from either
            if (pid < 0)
            {
                int err = Errno.Last;
                Children.ForkFailures++;
                Log.Error(Log.Line().Add("fork error: "u8).AddErrno(err));
                LibC.close(connfd);
                listener.PauseAccepting();
                return 0;
            }
            LibC.close(connfd); // UNP 4.8: the parent closes the connected socket; the child has it
            Children.Track(pid);
        }
        return 0;
    }
}
