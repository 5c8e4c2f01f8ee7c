// <netdb.h>, <arpa/inet.h>: what Tmds.LibC does not bind: getaddrinfo, freeaddrinfo, gai_strerror,
// inet_ntop (names and addresses). getaddrinfo, freeaddrinfo and gai_strerror read files or
// translations and allocate with malloc, whose lock _Fork() leaves as the parent's other thread
// may hold it: [BeforeFork] (parent only).
using System.Runtime.InteropServices;

namespace UnpServers.Interop;

public static unsafe partial class LibC
{
    [BeforeFork]
    [LibraryImport(Library, SetLastError = true)]
    public static partial int getaddrinfo(byte* node, byte* service, addrinfo* hints, nint* res);

    [BeforeFork]
    [LibraryImport(Library)]
    public static partial void freeaddrinfo(nint res);

    /// <summary>The text of an EAI_* code (a static string: char *; translated, so it may lock and malloc).</summary>
    [BeforeFork]
    [LibraryImport(Library)]
    public static partial nint gai_strerror(int errcode);

    [LibraryImport(Library, SetLastError = true)]
    public static partial byte* inet_ntop(int af, void* src, byte* dst, uint size);
}

public static unsafe partial class LibC
{
    /// <summary>getaddrinfo(3); an empty node or service is NULL. res: the list, for freeaddrinfo.</summary>
    /// <param name="node">NUL-terminated, or empty.</param>
    /// <param name="service">NUL-terminated, or empty.</param>
    [BeforeFork]
    public static int getaddrinfo(ReadOnlySpan<byte> node, ReadOnlySpan<byte> service, in addrinfo hints, out nint res)
    {
        addrinfo h = hints;
        nint r = 0;
        int rc;
        fixed (byte* n = node)
        fixed (byte* s = service)
            rc = getaddrinfo(n, s, &h, &r);
        res = r;
        return rc;
    }

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
