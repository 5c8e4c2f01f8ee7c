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
using UnpServers.Unp;

namespace UnpServers.Server.Designs;

public sealed class Iterative : ServerDesign
{
    private bool _serving;

    public override int Active(ServerCore core) => _serving ? 1 : 0;

    public override int Serve(ServerCore core)
    {
        var signals = new SignalWatch(core);
        core.Service.Watch = signals;
        for (;;)
        {
            bool accepting = core.Listener.AcceptingNow(0, out int timeoutMs);
            Ready ready = core.Wait(accepting, -1, timeoutMs);
            if (ready == Ready.Stop) return core.Stop();
            if ((ready & Ready.Listener) == 0) continue;
            for (int burst = 0; burst < Tunables.AcceptBurst; burst++)
            {
                int connfd = core.Listener.Accept(out int fatal);
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

    public override void StopConnections(ServerCore core) => Log.Info("stopped");

    /// <summary>The server's signals, handled by the service between its reads and writes.</summary>
    private sealed class SignalWatch(ServerCore core) : ServingWatch
    {
        public bool Stopping { get; private set; }

        public override int Fd => core.Signals.Fd;

        public override bool Handle() => Stopping = core.HandleSignals();
    }
}
