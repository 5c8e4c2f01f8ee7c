// UNP 1.5 daytimetcpsrv, 30.4: the iterative server. One client at a time, served by the
// process that accepted it; the next waits in the listen queue.
//
//   for ( ; ; ) {
//       connfd = Accept(listenfd, ...);
//       serve(connfd);
//       Close(connfd);
//   }
//
// Between clients the loop polls the signalfd with the listener; while a client is served,
// the service polls it with the connection (ConnectionService.Watch), so TERM, INT, HUP and
// USR1 are handled then too (R2): an idle client, or one that never stops sending, cannot
// keep the server from stopping.
using UnpServers.Child;
using UnpServers.Interop;

namespace UnpServers.Server.Designs;

public sealed class Iterative : ServerDesign
{
    /// <summary>Clients served per wake-up before the listener's poll() is looked at again.</summary>
    private const int AcceptBurst = 16;

    private bool _serving;

    public override int Active(ServerCore core) => _serving ? 1 : 0;

    public override int Serve(ServerCore core)
    {
        var signals = new SignalWatch(core);
        core.Service.Watch = signals;
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
                _serving = true;
                core.Stats.PeakActive = 1;
                core.Service.Serve(connfd, connfd); // UNP 1.5: one client at a time, in this process
                _serving = false;
                LibC.close(connfd);
                if (signals.Stopping) return core.Stop();
            }
        }
    }

    /// <summary>The server's signals, handled by the service between its reads and writes.</summary>
    private sealed class SignalWatch(ServerCore core) : ServingWatch
    {
        public bool Stopping { get; private set; }

        public override int Fd => core.Signals.Fd;

        public override bool Handle() => Stopping = core.HandleSignals();
    }
}
