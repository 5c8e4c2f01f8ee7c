// echosrv: UNP's tcpserv04, the concurrent echo server. Options in, one call to lib/.
using UnpServers.Cli;
using UnpServers.ForkSafety;
using UnpServers.Server;
using UnpServers.Services;

namespace UnpServers.EchoSrv;

public static class EchoSrv
{
    public static int Main(string[] args)
    {
        RuntimeGuard.Start(args); // R1 first: may re-execute this program, before anything else has run
        var options = Arguments.Parse<Options>(args, "echosrv", o => o.Validate());
        return options.Inetd
            ? InetdServer.Run(new StrEcho(), options.LogPath, options.IdleTimeout, options.PeerLogged, options.Keepalive)
            : ServerCore.Run(options.ToServerOptions(), new StrEcho());
    }
}
