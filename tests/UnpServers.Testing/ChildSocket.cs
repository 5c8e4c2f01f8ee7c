using UnpServers.Interop;

namespace UnpServers.Testing;

/// <summary>
/// A server child's connection, seen from outside: which client it serves, and a copy of its
/// socket (pidfd_getfd(2), which needs the right to ptrace the child, as /proc/PID/syscall does).
/// </summary>
public static class ChildSocket
{
    /// <summary>
    /// A copy, in this process, of pid's TCP socket connected to peerPort (to any peer if 0),
    /// and that peer's port; -1 if pid holds none (or is gone). pidfd is pid's; the caller
    /// closes the copy.
    /// </summary>
    public static int Take(int pid, int pidfd, int peerPort, out int port)
    {
        port = 0;
        string[] fds;
        try { fds = Directory.GetFileSystemEntries($"/proc/{pid}/fd"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return -1; }
        foreach (string path in fds)
        {
            string? target;
            try { target = new FileInfo(path).LinkTarget; }
            catch (IOException) { continue; }
            if (target == null || !target.StartsWith("socket:") || !int.TryParse(Path.GetFileName(path), out int fd)) continue;
            int mine = LibC.pidfd_getfd(pidfd, fd, 0);
            if (mine < 0) continue;
            sockaddr_storage peer = default;
            uint len = 128;
            // Only a TCP peer: a pre-forked child also holds the listener, a prefork-pass child its Unix-domain channel.
            if (LibC.getpeername(mine, ref peer, ref len) == 0 && Unp.Addresses.IsInet(ref peer)
                && (peerPort == 0 || Unp.Addresses.Port(ref peer) == peerPort))
            {
                port = Unp.Addresses.Port(ref peer);
                return mine;
            }
            LibC.close(mine);
        }
        return -1;
    }

    /// <summary>The port of the client pid serves (0 if it serves none): pid's peer, through pidfd.</summary>
    public static int PeerPort(int pid, int pidfd)
    {
        int fd = Take(pid, pidfd, 0, out int port);
        if (fd >= 0) LibC.close(fd);
        return port;
    }
}
