// <pwd.h>, <grp.h>: what Tmds.LibC does not bind: getpwnam, initgroups. Both read the user
// database with malloc: [BeforeFork], for the parent's --user only.
using System.Runtime.InteropServices;

namespace UnpServers.Interop;

public static unsafe partial class LibC
{
    /// <summary>The user's struct passwd, or NULL (0).</summary>
    [BeforeFork]
    [LibraryImport(Library, SetLastError = true)]
    private static partial nint getpwnam(byte* name);

    [BeforeFork]
    [LibraryImport(Library, SetLastError = true)]
    private static partial int initgroups(byte* user, uint group);

    /// <summary>getpwnam(3): uid and gid of a user; false if there is no such user.</summary>
    /// <param name="name">NUL-terminated.</param>
    [BeforeFork]
    public static bool getpwnam(ReadOnlySpan<byte> name, out uint uid, out uint gid)
    {
        nint pw;
        fixed (byte* p = name) pw = getpwnam(p);
        uid = pw == 0 ? 0 : ((passwd*)pw)->pw_uid;
        gid = pw == 0 ? 0 : ((passwd*)pw)->pw_gid;
        return pw != 0;
    }

    /// <param name="user">NUL-terminated.</param>
    [BeforeFork]
    public static int initgroups(ReadOnlySpan<byte> user, uint group)
    {
        fixed (byte* p = user) return initgroups(p, group);
    }
}
