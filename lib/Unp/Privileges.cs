using UnpServers.Interop;

namespace UnpServers.Unp;

/// <summary>
/// Binding a port below 1024 needs root; serving does not. A server binds, then becomes
/// an ordinary user (groups first: once the uid is gone, setgid is no longer allowed).
/// </summary>
public static class Privileges
{
    public static void DropTo(string user)
    {
        if (!LibC.getpwnam(user, out uint uid, out uint gid))
            throw new UnpException("getpwnam", 0, $"getpwnam error: no such user '{user}'");
        if (LibC.initgroups(user, gid) < 0) throw new UnpException("initgroups", Errno.Last);
        if (LibC.setgid(gid) < 0) throw new UnpException("setgid", Errno.Last);
        if (LibC.setuid(uid) < 0) throw new UnpException("setuid", Errno.Last);
    }

    /// <summary>Why bind() failed with EACCES, in words a student can act on.</summary>
    public static string? PrivilegedPortHint(int port)
        => port is > 0 and < 1024 && LibC.geteuid() != 0
            ? $"port {port} is below 1024 and needs root; use --port {port + 1300} (or run as root with --user NAME)"
            : null;
}
