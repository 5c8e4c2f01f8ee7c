// UNP 1.5 daytimetcpsrv, 30.4: the iterative server. One client at a time, served by the
// process that accepted it; the next waits in the listen queue.
//
//   for ( ; ; ) {
//       connfd = Accept(listenfd, ...);
//       serve(connfd);
//       Close(connfd);
//   }
//
// Between clients the loop polls the signalfd too, so TERM, HUP and USR1 are handled (R2).
using UnpServers.Interop;

namespace UnpServers.Server.Designs;

public sealed class Iterative : ServerDesign
{
    /// <summary>Clients served per wake-up before the signals are looked at again.</summary>
    private const int AcceptBurst = 16;

    public override int Active(ServerCore core) => 0; // between clients, which is when it is asked

    public override int Serve(ServerCore core)
    {
        Span<pollfd> fds = stackalloc pollfd[2];
        for (;;)
        {
            bool accepting = core.AcceptingNow(0, out int timeoutMs);
            fds[0] = new pollfd { fd = core.Signals.Fd, events = LibC.POLLIN };
            fds[1] = new pollfd { fd = accepting ? core.ListenFd : -1, events = LibC.POLLIN }; // poll() skips a negative descriptor
            if (core.Poll(fds, timeoutMs) == 0) continue;
            if (fds[0].revents != 0 && core.HandleSignals()) return core.Stop();
            if (fds[1].revents == 0) continue;
            for (int burst = 0; burst < AcceptBurst; burst++)
            {
                int connfd = core.Accept(out int fatal);
                if (fatal != 0) return core.FatalAcceptError(fatal);
                if (connfd < 0) break;
                core.Service.Serve(connfd, connfd); // UNP 1.5: one client at a time, in this process
                LibC.close(connfd);
            }
        }
    }
}
