// daytimesrv: UNP's daytimetcpsrv (1.5), iterative, or concurrent with --fork (4.8). Options in, one call to lib/.
using UnpServers.Cli;
using UnpServers.ForkSafety;
using UnpServers.Server;
using UnpServers.Services;

namespace UnpServers.DaytimeSrv;

public static class DaytimeSrv
{
    public static int Main(string[] args)
    {
        RuntimeGuard.Start(args); // R1 first: may re-execute this program, before anything else has run
        var options = Arguments.Parse<Options>(args, "daytimesrv", o => o.Validate());
        return options.Inetd
            ? InetdServer.Run(new Daytime(options.WriteSize), options.LogPath, idleTimeoutSeconds: 0, options.PeerLogged, options.Keepalive)
            : ServerCore.Run(options.ToServerOptions(), new Daytime(options.WriteSize));
    }
}
