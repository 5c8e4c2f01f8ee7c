// daytimecli: UNP's daytimetcpcli (1.2). Options in, one call to lib/.
using UnpServers.Cli;
using UnpServers.Clients;

namespace UnpServers.DaytimeCli;

public static class DaytimeCli
{
    public static int Main(string[] args)
    {
        var options = Arguments.Parse<Options>(args, "daytimecli", o => o.Validate());
        return DaytimeClient.Run(options.Host, options.Port, options.Count);
    }
}
