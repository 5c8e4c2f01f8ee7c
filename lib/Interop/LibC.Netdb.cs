// <netdb.h>, <arpa/inet.h>: names and addresses.
using System.Runtime.InteropServices;

namespace UnpServers.Interop;

public static unsafe partial class LibC
{
    [LibraryImport(Library)]
    public static partial int getaddrinfo(byte* node, byte* service, addrinfo* hints, addrinfo** res);

    [LibraryImport(Library)]
    public static partial void freeaddrinfo(addrinfo* res);

    [LibraryImport(Library)]
    public static partial byte* gai_strerror(int errcode);

    [LibraryImport(Library, SetLastError = true)]
    public static partial byte* inet_ntop(int af, void* src, byte* dst, uint size);
}

/// <summary>One result of getaddrinfo, copied out of libc's list.</summary>
public sealed record AddrInfoEntry(int Family, int SockType, int Protocol, sockaddr_storage Addr, uint AddrLen, string? CanonName);

public static unsafe partial class LibC
{
    /// <summary>
    /// getaddrinfo(3) returning the list as managed records (freeaddrinfo is called here).
    /// Returns 0 or an EAI_* code; with EAI_SYSTEM, errno tells more.
    /// </summary>
    public static int getaddrinfo(string? node, string? service, int flags, int family, int socktype,
                                  out List<AddrInfoEntry> results)
    {
        results = new List<AddrInfoEntry>();
        addrinfo hints = default;
        hints.ai_flags = flags;
        hints.ai_family = family;
        hints.ai_socktype = socktype;
        byte[]? nodeBytes = node is null ? null : System.Text.Encoding.UTF8.GetBytes(node + "\0");
        byte[]? serviceBytes = service is null ? null : System.Text.Encoding.UTF8.GetBytes(service + "\0");
        addrinfo* res = null;
        int rc;
        fixed (byte* n = nodeBytes)
        fixed (byte* s = serviceBytes)
        {
            Marshal.SetLastSystemError(0);
            rc = getaddrinfo(n, s, &hints, &res);
            Marshal.SetLastPInvokeError(Marshal.GetLastSystemError());
        }
        if (rc != 0) return rc;
        for (addrinfo* ai = res; ai != null; ai = ai->ai_next)
        {
            sockaddr_storage ss = default;
            uint len = Math.Min(ai->ai_addrlen, (uint)sizeof(sockaddr_storage));
            Buffer.MemoryCopy(ai->ai_addr, &ss, sizeof(sockaddr_storage), len);
            results.Add(new AddrInfoEntry(ai->ai_family, ai->ai_socktype, ai->ai_protocol, ss, len, Marshal.PtrToStringUTF8((nint)ai->ai_canonname)));
        }
        freeaddrinfo(res);
        return 0;
    }

    /// <summary>gai_strerror(3), copied into a managed string; null for NULL.</summary>
    public static void gai_strerror(int errcode, out string? text) => text = Marshal.PtrToStringUTF8((nint)gai_strerror(errcode));

    /// <summary>inet_ntop(3) into a span; returns the text length, or -1 with errno.</summary>
    public static int inet_ntop(int af, ReadOnlySpan<byte> src, Span<byte> dst)
    {
        fixed (byte* s = src)
        fixed (byte* d = dst)
        {
            byte* r = inet_ntop(af, s, d, (uint)dst.Length);
            if (r == null) return -1;
            int n = 0;
            while (n < dst.Length && d[n] != 0) n++;
            return n;
        }
    }
}
