// One TCP socket as sock_diag reports it: the columns of netstat -tan and ss -tan.
using System.Net;

namespace UnpServers.Watch;

/// <summary>
/// An address and port. An IPv4-mapped IPv6 address (::ffff:127.0.0.1, what a dual-stack
/// listener's connections from IPv4 clients have, UNP 12.2) is kept as the IPv4 address it
/// maps, so both ends of one connection name the same addresses.
/// </summary>
public readonly record struct TcpEndpoint(UInt128 Address, ushort Port, bool V6)
{
    private static readonly UInt128 V4MappedPrefix = (UInt128)0xffff << 32;

    /// <param name="address">16 bytes in network order; for IPv4, the first 4.</param>
    public static TcpEndpoint From(int family, ReadOnlySpan<byte> address, ushort port)
    {
        if (family == AF_INET)
            return new(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(address), port, false);
        UInt128 a = System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(address);
        return (a >> 32) == (V4MappedPrefix >> 32) ? new((uint)a, port, false) : new(a, port, true);
    }

    public bool IsWildcard => Address == 0;

    /// <summary>"127.0.0.1:9877", "[::1]:9877", "*:9877" for a wildcard, "*:*" for no peer (netstat's words).</summary>
    public override string ToString()
    {
        string host = IsWildcard ? "*" : V6 ? $"[{Ip()}]" : Ip().ToString();
        return Port == 0 && IsWildcard ? "*:*" : $"{host}:{Port}";
    }

    private IPAddress Ip()
    {
        Span<byte> b = stackalloc byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt128BigEndian(b, Address);
        return V6 ? new IPAddress(b) : new IPAddress(b[12..]);
    }
}

/// <summary>One socket: its ends, its TCP state, its queues and the inode that names it in /proc/PID/fd.</summary>
public struct TcpSocket
{
    public TcpEndpoint Local;
    public TcpEndpoint Remote;
    /// <summary>TCP_ESTABLISHED ... TCP_NEW_SYN_RECV (see TcpStates).</summary>
    public int State;
    /// <summary>Recv-Q; for a listener, the connections waiting in its accept queue.</summary>
    public uint RecvQ;
    /// <summary>Send-Q; for a listener, its backlog.</summary>
    public uint SendQ;
    /// <summary>0 for a socket no descriptor names (TIME_WAIT, a connection not yet accepted).</summary>
    public uint Inode;
    public uint Uid;
    /// <summary>Milliseconds until its timer fires; in TIME_WAIT, until the socket goes.</summary>
    public uint ExpiresMs;

    /// <summary>Identifies a socket across samples: its two ends (a socket in TIME_WAIT has no inode).</summary>
    public readonly (TcpEndpoint Local, TcpEndpoint Remote) Key => (Local, Remote);
}
