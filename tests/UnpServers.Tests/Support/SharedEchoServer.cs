namespace UnpServers.Tests.Support;

/// <summary>
/// A fixture whose tests share one echosrv, started with args before the first of them and
/// killed, with its children, after the last.
/// </summary>
public abstract class SharedEchoServer(params string[] args)
{
    protected ServerProcess Server { get; private set; } = null!;

    /// <summary>The server's port as an argument for echocli's --port.</summary>
    protected string Port => Server.Port.ToString();

    [OneTimeSetUp]
    public void StartServer() => Server = ServerProcess.StartEcho(args);

    [OneTimeTearDown]
    public void StopServer() => Server.Dispose();
}
