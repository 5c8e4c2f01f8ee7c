namespace UnpServers.Tests.Support;

/// <summary>
/// A super-server accepting and forking a program per connection: socat (with `cat`, a
/// non-.NET echo server) or ucspi-tcp's tcpserver. `make test` installs both (see the
/// Makefile's test-deps). Killed and reaped on Dispose.
/// </summary>
public sealed class SuperServer : IDisposable
{
    private readonly Process _process;
    public int Port { get; }

    private SuperServer(Process p, int port)
    {
        _process = p;
        Port = port;
    }

    /// <param name="exec">The command line socat runs per connection, on the connection (default: cat).</param>
    public static SuperServer Socat(string exec = "cat")
        => Start("socat", port => [$"TCP-LISTEN:{port},reuseaddr,fork", $"EXEC:{exec}"]);

    /// <summary>djb's tcpserver: program runs per connection with the socket as its stdin and stdout.</summary>
    public static SuperServer Tcpserver(params string[] program)
        => Start("tcpserver", port => ["-q", "127.0.0.1", port.ToString(), .. program]);

    private static SuperServer Start(string tool, Func<int, string[]> args)
    {
        string? path = new[] { "/usr/bin/", "/usr/local/bin/", "/bin/" }.Select(d => d + tool).FirstOrDefault(File.Exists);
        if (path == null) Assert.Fail($"{tool} is not installed: run `make test-deps` (as root)");
        for (int attempt = 0; attempt < 5; attempt++)
        {
            int port = Loopback.FreePort();
            var psi = new ProcessStartInfo(path!) { UseShellExecute = false, RedirectStandardError = true };
            foreach (string a in args(port)) psi.ArgumentList.Add(a);
            var p = Process.Start(psi)!;
            p.ErrorDataReceived += (_, _) => { };
            p.BeginErrorReadLine();
            if (Wait.Until(() => p.HasExited || CanConnect(port), 5000) && !p.HasExited) return new SuperServer(p, port);
            p.WaitForExit(1000);
        }
        Assert.Fail($"{tool} did not start listening");
        return null!;
    }

    private static bool CanConnect(int port)
    {
        try
        {
            using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            s.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException) { return false; }
    }

    public void Dispose()
    {
        // The per-connection children, and what each of them runs: each checked to be the
        // child of its parent before it is signalled.
        using var self = ProcessHandle.OfOwnChild(_process.Id);
        var all = new List<ProcessHandle>();
        foreach (int k in ProcFs.Children(_process.Id))
        {
            if (ProcessHandle.OfChild(k, _process.Id) is not { } child) continue;
            all.Add(child);
            foreach (int g in ProcFs.Children(k))
                if (ProcessHandle.OfChild(g, k) is { } grandchild) all.Add(grandchild);
        }
        foreach (ProcessHandle h in all) h.Signal(SIGKILL);
        self?.Signal(SIGKILL);
        _process.WaitForExit(5000);
        Reaping.KillAndReap(all, 3000);
        _process.Dispose();
    }
}
