// echocli: UNP's tcpcli01 with strcliselect02, and the lesson clients. Options in, one call to lib/.
using UnpServers.Cli;
using UnpServers.Clients;
using UnpServers.EchoCli;

var options = Arguments.Parse<Options>(args, "echocli", o => o.Validate());
return EchoClient.Run(options.ToClientOptions());
