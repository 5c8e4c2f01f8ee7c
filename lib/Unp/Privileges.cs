// --user: drop root once bound, as UNP 13.4's daemons do (initgroups, setgid, setuid).
using System.Text;
using UnpServers.Interop;

namespace UnpServers.Unp;

/// <summary>
/// Binding a port below 1024 needs root; serving does not. A server binds, then becomes
/// an ordinary user (groups first: once the uid is gone, setgid is no longer allowed).
/// </summary>
public static class Privileges
{
    /// <summary>getpwnam(3): uid and gid of a user; false if there is no such user.</summary>
    public static bool Getpwnam(string user, out uint uid, out uint gid) => LibC.getpwnam(Encoding.UTF8.GetBytes(user + "\0"), out uid, out gid);

    /// <param name="user">The name as given: bytes, which need not be UTF-8.</param>
    public static void DropTo(byte[] user)
    {
        byte[] name = [.. user, 0];
        if (!LibC.getpwnam(name, out uint uid, out uint gid))
            throw new UnpException("getpwnam", 0, $"getpwnam error: no such user '{Encoding.UTF8.GetString(user)}'");
        if (LibC.initgroups(name, gid) < 0) throw new UnpException("initgroups", Errno.Last);
        if (LibC.setgid(gid) < 0) throw new UnpException("setgid", Errno.Last);
        if (LibC.setuid(uid) < 0) throw new UnpException("setuid", Errno.Last);
        // The drop must be for good: a process that can still become root has dropped nothing.
        if (uid != 0 && LibC.setuid(0) == 0)
            throw new UnpException("setuid", 0, $"setuid error: after dropping to '{Encoding.UTF8.GetString(user)}', setuid(0) still succeeds");
    }

    /// <summary>
    /// The warning of a server about to serve clients as root: a bug in the code that
    /// serves would be a bug with root's rights. Null when it will not run as root.
    /// </summary>
    public static string? RootWarning(byte[]? user)
        => user == null && LibC.geteuid() == 0
            ? "warning: serving clients as root; --user NAME drops to NAME after binding"
            : null;

    /// <summary>Why initgroups() failed with EPERM: only root can change its groups and its uid.</summary>
    public static string UserNeedsRootHint(byte[] user)
        => $"--user needs root (the server drops from root to {Encoding.UTF8.GetString(user)}); run it as root, or without --user";

    /// <summary>Why bind() failed with EACCES, in words a student can act on.</summary>
    public static string? PrivilegedPortHint(int port)
        => port is > 0 and < 1024 && LibC.geteuid() != 0
            ? $"port {port} is below 1024 and needs root; use --port {port + 1300} (or run as root with --user NAME)"
            : null;
}
