// daytimesrv: UNP's daytimetcpsrv (1.5), iterative, or concurrent with --fork (4.8). Options in, one call to lib/.
using UnpServers.Cli;
using UnpServers.DaytimeSrv;
using UnpServers.Server;
using UnpServers.Services;

var options = Arguments.Parse<Options>(args, "daytimesrv", o => o.Validate());
return options.Inetd
    ? InetdServer.Run(new Daytime(options.WriteSize), options.Log, idleTimeoutSeconds: 0, options.Keepalive)
    : ConcurrentServer.Run(options.ToServerOptions(), new Daytime(options.WriteSize));
