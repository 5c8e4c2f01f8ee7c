// One socket on the watched ports, followed from frame to frame by its two ends (the inode
// changes, or goes, when a socket enters TIME_WAIT).
using UnpServers.Interop;
using UnpServers.Watch;

namespace UnpServers.UnpWatch;

public sealed class WatchedSocket(TcpSocket now, bool serverSide, long seenAt)
{
    public TcpSocket Now = now;
    public string Local { get; } = now.Local.ToString();
    public string Remote { get; } = now.Remote.ToString();
    /// <summary>The server's end of a connection (its local port is a watched one); false for a listener or a client's end.</summary>
    public bool ServerSide { get; } = serverSide;
    /// <summary>Stopwatch ticks: when it entered its present state (as far as this view knows).</summary>
    public long StateSince = seenAt;
    /// <summary>The frame it was last seen in.</summary>
    public int SeenInFrame;
    public bool New = true;

    public bool IsListener => Now.State == LibC.TCP_LISTEN;

    /// <summary>"127.0.0.1:9877 -> 127.0.0.1:51234", the socket's own end first.</summary>
    public string Ends => $"{Local} -> {Remote}";

    /// <summary>The ephemeral port of the connection: both ends of one connection sort together.</summary>
    public int ConnectionPort => IsListener ? -1 : ServerSide ? Now.Remote.Port : Now.Local.Port;
}
