// UNP 3.8 sock_ntop and friends, for IPv4 and IPv6 socket addresses.
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using UnpServers.Interop;

namespace UnpServers.Unp;

public static class Addresses
{
    /// <summary>The bytes of a socket address, for reading its fields.</summary>
    public static ReadOnlySpan<byte> Bytes(ref sockaddr_storage ss) => MemoryMarshal.AsBytes(MemoryMarshal.CreateReadOnlySpan(ref ss, 1));

    private static Span<byte> WritableBytes(ref sockaddr_storage ss) => MemoryMarshal.AsBytes(MemoryMarshal.CreateSpan(ref ss, 1));

    /// <summary>An IPv4 or IPv6 address (AF_INET, AF_INET6).</summary>
    public static bool IsInet(ref sockaddr_storage ss) => ss.ss_family == AF_INET || ss.ss_family == AF_INET6;

    /// <summary>sin_port / sin6_port, in host order.</summary>
    public static int Port(ref sockaddr_storage ss) => BinaryPrimitives.ReadUInt16BigEndian(Bytes(ref ss)[2..4]);

    /// <summary>
    /// Writes the address as text ("127.0.0.1", "::1") into dst; returns its length, or -1.
    /// An IPv4 peer on a dual-stack listener arrives as ::ffff:a.b.c.d; it is shown as a.b.c.d,
    /// as a student expects. Allocates nothing.
    /// </summary>
    public static int SockNtopHost(ref sockaddr_storage ss, Span<byte> dst)
    {
        ReadOnlySpan<byte> b = Bytes(ref ss);
        int family = ss.ss_family;
        if (family == AF_INET) return LibC.inet_ntop(AF_INET, b.Slice(4, 4), dst); // sin_addr
        if (family != AF_INET6) return -1;
        ReadOnlySpan<byte> a6 = b.Slice(8, 16);                                                // sin6_addr
        if (IsV4Mapped(a6)) return LibC.inet_ntop(AF_INET, a6[12..], dst);
        return LibC.inet_ntop(AF_INET6, a6, dst);
    }

    private static bool IsV4Mapped(ReadOnlySpan<byte> a6)
        => a6[..10].IndexOfAnyExcept((byte)0) < 0 && a6[10] == 0xff && a6[11] == 0xff;

    /// <summary>The IPv6 wildcard address :: with a port, for a dual-stack listener.</summary>
    public static sockaddr_storage In6Any(int port, out uint len)
    {
        len = 28; // sizeof(struct sockaddr_in6)
        return Any(AF_INET6, port);
    }

    /// <summary>The IPv4 wildcard address 0.0.0.0 with a port.</summary>
    public static sockaddr_storage InAny(int port, out uint len)
    {
        len = 16; // sizeof(struct sockaddr_in)
        return Any(AF_INET, port);
    }

    /// <summary>The wildcard address of family, all zeros but the family and the port (sin_port and sin6_port are both at offset 2).</summary>
    private static sockaddr_storage Any(int family, int port)
    {
        sockaddr_storage ss = default;
        ss.ss_family = family;
        BinaryPrimitives.WriteUInt16BigEndian(WritableBytes(ref ss)[2..4], (ushort)port);
        return ss;
    }
}
