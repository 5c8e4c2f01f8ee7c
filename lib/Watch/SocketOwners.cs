// Which process holds a socket: what ss -p and netstat -p do, by reading the links of
// /proc/PID/fd ("socket:[INODE]") and matching the inodes sock_diag gives. Only the processes
// this user may look into can be matched (proc(5): the fd directory is the owner's).
using System.Buffers.Text;
using UnpServers.Interop;

namespace UnpServers.Watch;

public static class SocketOwners
{
    /// <summary>
    /// Adds to inodes every socket inode pid has a descriptor for. False if its descriptors
    /// cannot be read (gone, or another user's).
    /// </summary>
    public static bool Sockets(int pid, HashSet<uint> inodes)
    {
        Span<byte> path = stackalloc byte[40];
        int dir = LibC.open(ProcDirs.Path(path, pid, "fd"u8), O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
        if (dir < 0) return false;
        try
        {
            Span<byte> entries = stackalloc byte[ProcDirs.DirentBuffer];
            Span<byte> link = stackalloc byte[64];
            for (;;)
            {
                nint n = LibC.getdents64(dir, entries);
                if (n <= 0) return n == 0;
                foreach (ReadOnlySpan<byte> name in new ProcDirs.Dirents(entries[..(int)n]))
                {
                    if (name[0] == '.') continue;
                    // name is NUL-terminated in the record: readlinkat takes it as it is.
                    nint len = LibC.readlinkat(dir, name, link);
                    if (len > 0 && SocketInode(link[..(int)len]) is uint inode) inodes.Add(inode);
                }
            }
        }
        finally
        {
            LibC.close(dir);
        }
    }

    /// <summary>"socket:[12345]" → 12345.</summary>
    public static uint? SocketInode(ReadOnlySpan<byte> link)
    {
        if (!link.StartsWith("socket:["u8) || link[^1] != ']') return null;
        return Utf8Parser.TryParse(link[8..^1], out uint inode, out int used) && used == link.Length - 9 ? inode : null;
    }
}
