using UnpServers.Testing;

namespace UnpServers.Bench;

/// <summary>What stops the bench: one line for the user (a server that did not start, a wrong echo), no stack trace.</summary>
public sealed class BenchException(string message) : Exception(message);

/// <summary>A server under test, echosrv or a C twin, started by the harness as `PROGRAM --port 0 --log FILE ARGS`.</summary>
public static class BenchServer
{
    /// <summary>Returns once it listens, its stderr passed on under its name; a BenchException, one line, if it does not.</summary>
    public static ServerProcess Start(string name, string path, params string[] args)
    {
        try
        {
            return ServerProcess.Start(path, args, timeoutMs: 15000, onStderr: line => Console.Error.WriteLine($"{name}: {line}"));
        }
        catch (ServerStartException e)
        {
            throw new BenchException($"{name} did not start: {string.Join(' ', [Path.GetFullPath(path), .. args])}: {e.Reason}");
        }
    }
}
