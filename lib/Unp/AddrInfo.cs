// UNP 11.6 getaddrinfo, for tcp_listen and tcp_connect: libc's list copied out as records.
using System.Runtime.InteropServices;
using System.Text;
using UnpServers.Interop;

namespace UnpServers.Unp;

/// <summary>One result of getaddrinfo, copied out of libc's list.</summary>
public sealed record AddrInfo(int Family, int SockType, int Protocol, sockaddr_storage Addr, uint AddrLen)
{
    /// <summary>
    /// getaddrinfo(3) returning the list as records (freeaddrinfo is called here).
    /// Returns 0 or an EAI_* code; with EAI_SYSTEM, errno tells more.
    /// </summary>
    public static int Get(string? node, string? service, int flags, int family, int socktype, out List<AddrInfo> results)
        => Get(node is null ? null : Encoding.UTF8.GetBytes(node), service, flags, family, socktype, out results);

    /// <param name="node">A name as bytes: one given on the command line need not be UTF-8.</param>
    public static int Get(byte[]? node, string? service, int flags, int family, int socktype, out List<AddrInfo> results)
    {
        results = [];
        addrinfo hints = new() { ai_flags = flags, ai_family = family, ai_socktype = socktype };
        int rc = LibC.getaddrinfo(node is null ? [] : [.. node, 0], CString(service), hints, out nint res);
        if (rc != 0) return rc;
        for (nint p = res; p != 0; )
        {
            addrinfo ai = Marshal.PtrToStructure<addrinfo>(p);
            int len = (int)Math.Min(ai.ai_addrlen, (uint)Marshal.SizeOf<sockaddr_storage>());
            byte[] addr = new byte[Marshal.SizeOf<sockaddr_storage>()];
            Marshal.Copy(ai.ai_addr, addr, 0, len);
            results.Add(new AddrInfo(ai.ai_family, ai.ai_socktype, ai.ai_protocol, MemoryMarshal.Read<sockaddr_storage>(addr), (uint)len));
            p = ai.ai_next;
        }
        LibC.freeaddrinfo(res);
        return 0;
    }

    /// <summary>NUL-terminated UTF-8, or empty for NULL.</summary>
    private static byte[] CString(string? s) => s is null ? [] : Encoding.UTF8.GetBytes(s + "\0");
}
