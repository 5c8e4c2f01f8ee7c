using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using UnpServers.Interop;

namespace UnpServers.Tests.Support;

/// <summary>
/// A super-server: socat accepting and forking a program per connection; with `cat`, a
/// non-.NET echo server. `make test` installs socat
/// (see the Makefile's test-deps). Killed and reaped on Dispose.
/// </summary>
public sealed class SocatEchoServer : IDisposable
{
    private readonly Process _process;
    public int Port { get; }

    private SocatEchoServer(Process p, int port)
    {
        _process = p;
        Port = port;
    }

    /// <param name="exec">The program socat runs per connection, on the connection (default: cat).</param>
    public static SocatEchoServer Start(string exec = "cat")
    {
        string? socat = new[] { "/usr/bin/socat", "/usr/local/bin/socat", "/bin/socat" }.FirstOrDefault(File.Exists);
        if (socat == null) Assert.Fail("socat is not installed: run `make test-deps` (as root) or `apt-get install socat`");
        for (int attempt = 0; attempt < 5; attempt++)
        {
            int port = FreePort();
            var psi = new ProcessStartInfo(socat!) { UseShellExecute = false, RedirectStandardError = true };
            foreach (string a in new[] { $"TCP-LISTEN:{port},reuseaddr,fork", $"EXEC:{exec}" }) psi.ArgumentList.Add(a);
            var p = Process.Start(psi)!;
            p.ErrorDataReceived += (_, _) => { };
            p.BeginErrorReadLine();
            if (Wait.Until(() => p.HasExited || CanConnect(port), 5000) && !p.HasExited) return new SocatEchoServer(p, port);
            p.WaitForExit(1000);
        }
        Assert.Fail("socat did not start listening");
        return null!;
    }

    private static int FreePort()
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)s.LocalEndPoint!).Port;
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
        // socat's per-connection children, and the cat each of them runs.
        int[] all = ProcFs.Children(_process.Id).SelectMany(k => ProcFs.Children(k).Append(k)).Distinct().ToArray();
        foreach (int k in all) LibC.kill(k, LibC.SIGKILL);
        if (!_process.HasExited) _process.Kill();
        _process.WaitForExit(5000);
        Reaping.KillAndReap(all, 3000);
        _process.Dispose();
    }
}
