// daytimesrv: UNP's daytimetcpsrv (1.5), iterative, or concurrent with --fork (4.8). Options in, one call to lib/.
using UnpServers.Child;
using UnpServers.Cli;
using UnpServers.DaytimeSrv;
using UnpServers.ForkSafety;
using UnpServers.Server;
using UnpServers.Services;

RuntimeGuard.Start(args); // R1 first: may re-execute this program, before anything else has run
var options = Arguments.Parse<Options>(args, "daytimesrv", o => o.Validate());
return options.Inetd
    ? InetdServer.Run(new Daytime(options.WriteSize), options.LogPath, idleTimeoutSeconds: 0, options.PeerLogged, options.Keepalive)
    : ServerCore.Run(options.ToServerOptions(), new Daytime(options.WriteSize));
