// Start-up, side by side with a ReadyToRun hello world (issue 13): echosrv from execve() to
// listen() (the moment a client is no longer refused), and echocli sending one line, whole
// process. Printed as ratios to the hello world's whole run, measured in the same rounds, so
// they mean the same on a quiet laptop and on a loaded lab machine. `echocli --version` is
// shown beside them: one runtime start and CommandLineParser reading echocli's options, no
// more, the part of a client's start-up that its own code does not decide.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using UnpServers.Interop;

namespace UnpServers.Bench;

public sealed class Startup(string hello)
{
    private readonly List<double> _hello = [], _listen = [], _client = [], _version = [];

    /// <summary>One of each, interleaved: hello world, server to listen(), client one line (to the server at port).</summary>
    public void Round(string server, string client, int port)
    {
        _hello.Add(Whole(hello));
        _listen.Add(ExecveToListen(server));
        _client.Add(Patterns.ClientProcess(client, port, ours: true));
        _version.Add(Whole(client, "--version"));
    }

    public void Print(TextWriter w)
    {
        double h = Median(_hello), s = Median(_listen), c = Median(_client), v = Median(_version);
        w.WriteLine($"start-up: medians of {_hello.Count}, interleaved with a ReadyToRun hello world ({h:F1} ms, its whole run)");
        w.WriteLine();
        w.WriteLine($"| {"figure",-42} | {"ms",10} | {"/hello",7} | {"target",-16} |");
        w.WriteLine($"|{new string('-', 44)}|{new string('-', 12)}|{new string('-', 9)}|{new string('-', 18)}|");
        w.WriteLine($"| {"echosrv: execve() to listen()",-42} | {s,10:F1} | {s / h,7:F2} | {"<= 3 " + (s / h <= 3 ? "ok" : "MISSED"),-16} |");
        w.WriteLine($"| {"echocli: one line, whole process",-42} | {c,10:F1} | {c / h,7:F2} | {"<= 1.5 " + (c / h <= 1.5 ? "ok" : "MISSED"),-16} |");
        w.WriteLine($"|   {"echocli --version (the parser alone)",-40} | {v,10:F1} | {v / h,7:F2} | {"",-16} |");
        w.WriteLine();
    }

    private static double Whole(string path, params string[] args)
    {
        var psi = new ProcessStartInfo(path) { UseShellExecute = false, RedirectStandardOutput = true };
        foreach (string a in args) psi.ArgumentList.Add(a);
        var sw = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return sw.Elapsed.TotalMilliseconds;
    }

    /// <summary>From Process.Start to the first connect() that is not refused: the listen(), before the server's PreJit.</summary>
    private static double ExecveToListen(string server)
    {
        int port = FreePort();
        var psi = new ProcessStartInfo(server) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in (string[])["--port", port.ToString(), "--bind", "127.0.0.1", "--log", "/dev/null"]) psi.ArgumentList.Add(a);
        var sw = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        try
        {
            while (sw.ElapsedMilliseconds < 10000)
            {
                using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    s.Connect(IPAddress.Loopback, port);
                    return sw.Elapsed.TotalMilliseconds;
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
                {
                    Thread.Sleep(1);
                }
            }
            throw new TimeoutException($"{server} did not listen on port {port} within 10 s");
        }
        finally
        {
            LibC.kill(p.Id, LibC.SIGTERM); // stops at once: during start-up SIGTERM has its default action
            p.WaitForExit();
        }
    }

    private static double Median(List<double> v)
    {
        var s = v.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
