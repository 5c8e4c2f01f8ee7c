// <unistd.h>: Tmds.LibC's user and group ids, for dropping privileges.
namespace UnpServers.Interop;

public static partial class LibC
{
    public static int setuid(uint uid) => Tmds.Linux.LibC.setuid(uid);

    public static int setgid(uint gid) => Tmds.Linux.LibC.setgid(gid);

    public static uint geteuid() => Tmds.Linux.LibC.geteuid();
}
