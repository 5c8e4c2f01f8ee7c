// unpwatch: the ps and netstat views of UNP chapter 5, live: a server's processes, its sockets
// and the transitions between frames. Options in, one call to the watcher.
using UnpServers.Cli;

[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace UnpServers.UnpWatch;

public static class UnpWatch
{
    public static int Main(string[] args)
    {
        var options = Arguments.Parse<Options>(args, "unpwatch", o => o.Validate());
        return Watcher.Run(options);
    }
}
