using System.Net;
using System.Net.Sockets;

namespace UnpServers.Testing;

/// <summary>The client's side on this machine: a connected socket with deadlines, a free port.</summary>
public static class Loopback
{
    public const int DefaultTimeoutMs = 10000;

    /// <summary>A connection to port (on 127.0.0.1 unless address says otherwise), Nagle off, each call bounded by timeoutMs.</summary>
    public static Socket Connect(int port, IPAddress? address = null, int timeoutMs = DefaultTimeoutMs)
    {
        address ??= IPAddress.Loopback;
        var s = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
        {
            ReceiveTimeout = timeoutMs,
            SendTimeout = timeoutMs,
            NoDelay = true,
        };
        s.Connect(new IPEndPoint(address, port));
        return s;
    }

    /// <summary>A socket listening on 127.0.0.1, on a port the kernel chose: the test plays the server.</summary>
    public static Socket Listen(out int port)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        return listener;
    }

    /// <summary>A port free now, for a program started on a port of the caller's choosing.</summary>
    public static int FreePort()
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)s.LocalEndPoint!).Port;
    }
}
