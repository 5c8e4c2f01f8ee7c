// <pwd.h>, <grp.h>, <unistd.h>: users, groups and dropping privileges.
using System.Runtime.InteropServices;
using System.Text;

namespace UnpServers.Interop;

public static unsafe partial class LibC
{
    [LibraryImport(Library, SetLastError = true)]
    public static partial byte* getpwnam(byte* name);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int setuid(uint uid);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int setgid(uint gid);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int initgroups(byte* user, uint group);

    [LibraryImport(Library)]
    public static partial uint geteuid();

    /// <summary>getpwnam(3): uid and gid of a user name; false if there is no such user.</summary>
    public static bool getpwnam(string name, out uint uid, out uint gid)
    {
        byte[] n = Encoding.UTF8.GetBytes(name + "\0");
        fixed (byte* p = n)
        {
            passwd* pw = (passwd*)getpwnam(p);
            uid = pw == null ? 0 : pw->pw_uid;
            gid = pw == null ? 0 : pw->pw_gid;
            return pw != null;
        }
    }

    public static int initgroups(string user, uint group)
    {
        byte[] n = Encoding.UTF8.GetBytes(user + "\0");
        fixed (byte* p = n) return initgroups(p, group);
    }
}
