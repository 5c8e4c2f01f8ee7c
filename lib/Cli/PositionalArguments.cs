// What a program takes besides its options, declared once: nothing (a server, unpwatch, the bench
// and the soak), or the server's HOST first, as UNP's clients take it in argv[1] (UNP 1.2).
using CommandLine;

namespace UnpServers.Cli;

/// <summary>A program of options only: any positional argument is refused (see IProgramOptions).</summary>
public abstract class OptionsOnly
{
    [Value(0, Hidden = true)]
    public IEnumerable<string> Unexpected { get; set; } = [];
}

/// <summary>A client: the server's HOST ([Value(0)], declared by each client with its help), then options only.</summary>
public abstract class ClientArguments
{
    [Value(1, Hidden = true)]
    public IEnumerable<string> Unexpected { get; set; } = [];

    /// <summary>The reason HOST or --port is wrong, or null.</summary>
    protected static string? CheckServer(string host, int port)
    {
        if (string.IsNullOrWhiteSpace(host)) return "HOST must not be empty";
        if (port is < 1 or > 65535) return $"--port must be 1..65535, not {port}";
        return null;
    }
}
