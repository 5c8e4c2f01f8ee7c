namespace UnpServers.Tests.Support;

/// <summary>The ways a server can serve a connection, as test parameters.</summary>
public static class Modes
{
    /// <summary>"fork": the default, a forked child serves; "exec": the child execs a fresh process (--exec).</summary>
    public static string[] Args(string mode) => mode switch
    {
        "fork" => [],
        "exec" => ["--exec"],
        _ => throw new ArgumentException("unknown mode " + mode),
    };
}
