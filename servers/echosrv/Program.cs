// echosrv: UNP's tcpserv04, the concurrent echo server. Options in, one call to lib/.
using UnpServers.Cli;
using UnpServers.EchoSrv;
using UnpServers.Server;
using UnpServers.Services;

var options = Arguments.Parse<Options>(args, "echosrv", o => o.Validate());
return options.Inetd
    ? InetdServer.Run(new StrEcho(), options.Log, options.IdleTimeout, options.Keepalive)
    : ConcurrentServer.Run(options.ToServerOptions(), new StrEcho());
