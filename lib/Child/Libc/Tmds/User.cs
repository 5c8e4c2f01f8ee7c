// <unistd.h>: Tmds.LibC's user and group ids, for dropping privileges. setuid and setgid are the
// parent's (--user): in a process with threads glibc runs them in every thread, under its own lock.
namespace UnpServers.Interop;

public static partial class LibC
{
    [BeforeFork]
    public static int setuid(uint uid) => Tmds.Linux.LibC.setuid(uid);

    [BeforeFork]
    public static int setgid(uint gid) => Tmds.Linux.LibC.setgid(gid);

    public static uint geteuid() => Tmds.Linux.LibC.geteuid();
}
