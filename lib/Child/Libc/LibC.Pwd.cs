// <pwd.h>, <grp.h>: what Tmds.LibC does not bind: getpwnam, initgroups.
using System.Runtime.InteropServices;

namespace UnpServers.Interop;

public static unsafe partial class LibC
{
    /// <summary>The user's struct passwd, or NULL (0).</summary>
    [LibraryImport(Library, SetLastError = true)]
    private static partial nint getpwnam(byte* name);

    [LibraryImport(Library, SetLastError = true)]
    private static partial int initgroups(byte* user, uint group);

    /// <summary>getpwnam(3): uid and gid of a user; false if there is no such user.</summary>
    /// <param name="name">NUL-terminated.</param>
    public static bool getpwnam(ReadOnlySpan<byte> name, out uint uid, out uint gid)
    {
        nint pw;
        fixed (byte* p = name) pw = getpwnam(p);
        uid = pw == 0 ? 0 : ((passwd*)pw)->pw_uid;
        gid = pw == 0 ? 0 : ((passwd*)pw)->pw_gid;
        return pw != 0;
    }

    /// <param name="user">NUL-terminated.</param>
    public static int initgroups(ReadOnlySpan<byte> user, uint group)
    {
        fixed (byte* p = user) return initgroups(p, group);
    }
}
