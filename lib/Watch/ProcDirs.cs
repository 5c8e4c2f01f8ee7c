// The directories of /proc read without allocating (getdents64): the processes there are, the
// threads of one (/proc/PID/task), and the names in a linux_dirent64 buffer.
using System.Buffers.Text;
using UnpServers.Interop;
using UnpServers.Unp;

namespace UnpServers.Watch;

public static class ProcDirs
{
    internal const int DirentBuffer = 8192;

    /// <summary>Every pid in /proc now (the processes this user can see), appended to pids.</summary>
    public static void AllPids(List<int> pids)
    {
        if (!Numbers("/proc\0"u8, pids)) throw new UnpException("open", Errno.Last, $"open error for /proc: {ErrorText.Describe(Errno.Last)}");
    }

    /// <summary>The threads of pid (its main thread included), appended to tids; false if it is gone.</summary>
    public static bool Threads(int pid, List<int> tids)
    {
        Span<byte> path = stackalloc byte[40];
        return Numbers(Path(path, pid, "task"u8), tids);
    }

    /// <summary>The names that are numbers in the directory at path (NUL-terminated), appended to into; false if it cannot be opened.</summary>
    private static bool Numbers(ReadOnlySpan<byte> path, List<int> into)
    {
        int dir = LibC.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
        if (dir < 0) return false;
        try
        {
            Span<byte> entries = stackalloc byte[DirentBuffer];
            nint n;
            while ((n = LibC.getdents64(dir, entries)) > 0)
                foreach (ReadOnlySpan<byte> name in new Dirents(entries[..(int)n]))
                    if (Utf8Parser.TryParse(name, out int number, out int used) && name[used] == 0) into.Add(number);
            return true;
        }
        finally
        {
            LibC.close(dir);
        }
    }

    /// <summary>"/proc/PID/LEAF\0" in buf.</summary>
    internal static ReadOnlySpan<byte> Path(Span<byte> buf, int pid, ReadOnlySpan<byte> leaf)
    {
        "/proc/"u8.CopyTo(buf);
        Utf8Formatter.TryFormat(pid, buf[6..], out int digits);
        int at = 6 + digits;
        buf[at++] = (byte)'/';
        leaf.CopyTo(buf[at..]);
        at += leaf.Length;
        buf[at++] = 0;
        return buf[..at];
    }

    /// <summary>The names in a buffer of linux_dirent64 records, each with its NUL.</summary>
    internal ref struct Dirents(ReadOnlySpan<byte> buf)
    {
        private ReadOnlySpan<byte> _rest = buf;

        public ReadOnlySpan<byte> Current { get; private set; }

        public readonly Dirents GetEnumerator() => this;

        public bool MoveNext()
        {
            const int nameOffset = 19; // d_ino 8, d_off 8, d_reclen 2, d_type 1
            if (_rest.Length < nameOffset) return false;
            int reclen = System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(_rest[16..]);
            if (reclen < nameOffset || reclen > _rest.Length) return false;
            ReadOnlySpan<byte> record = _rest[nameOffset..reclen];
            int nul = record.IndexOf((byte)0);
            Current = nul < 0 ? record : record[..(nul + 1)];
            _rest = _rest[reclen..];
            return true;
        }
    }
}
