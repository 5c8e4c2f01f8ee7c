// echocli: UNP's tcpcli01 with strcliselect02, and the lesson clients. Options in, one call to lib/.
using UnpServers.Cli;
using UnpServers.Clients;

namespace UnpServers.EchoCli;

public static class EchoCli
{
    public static int Main(string[] args)
    {
        var options = Arguments.Parse<Options>(args, "echocli", o => o.Validate());
        return EchoClient.Run(options.ToClientOptions());
    }
}
