// A file of /proc read again and again: opened once and read with pread(2) at offset 0, which
// makes the kernel generate it afresh (seq_file), so a frame costs one system call per file
// instead of three and no path lookup. The descriptor names the process it was opened for: once
// that process has been reaped, reads fail with ESRCH, even if its pid is given to another.
using System.Text;
using UnpServers.Interop;
using System.Runtime.InteropServices;
using UnpServers.Unp;

namespace UnpServers.Watch;

public sealed class ProcFile : IDisposable
{
    private int _fd;
    private readonly byte[]? _path; // kept only when no descriptor could be spared (EMFILE): opened at each read

    private ProcFile(int fd, byte[]? path)
    {
        _fd = fd;
        _path = path;
    }

    /// <summary>/proc/PID/LEAF, or /proc/PID/task/TID/LEAF when tid is not 0; null if it cannot be opened (gone, not ours to read).</summary>
    public static ProcFile? Open(int pid, int tid, string leaf) => Open(Path(pid, tid, leaf));

    public static ProcFile? Open(byte[] path)
    {
        int fd = LibC.open(path, O_RDONLY | O_CLOEXEC, 0);
        if (fd >= 0) return new ProcFile(fd, null);
        return Errno.Last == EMFILE || Errno.Last == ENFILE ? new ProcFile(-1, path) : null;
    }

    /// <summary>The file's text now, into buf; its length, or -1 (errno: ESRCH once the process is reaped).</summary>
    public int Read(Span<byte> buf)
    {
        if (_path != null) return ReadOnce(_path, buf);
        for (;;)
        {
            nint n = LibC.pread(_fd, buf, 0);
            if (n >= 0 || Errno.Last != EINTR) return (int)n;
        }
    }

    /// <summary>open, read, close: for a file read once.</summary>
    public static int ReadOnce(byte[] path, Span<byte> buf)
    {
        int fd = LibC.open(path, O_RDONLY | O_CLOEXEC, 0);
        if (fd < 0) return -1;
        nint n;
        do n = LibC.read(fd, buf);
        while (n < 0 && Errno.Last == EINTR);
        int err = Errno.Last;
        LibC.close(fd);
        Marshal.SetLastPInvokeError(err);
        return (int)n;
    }

    /// <summary>"/proc/PID/LEAF" or "/proc/PID/task/TID/LEAF", NUL-terminated.</summary>
    public static byte[] Path(int pid, int tid, string leaf)
        => Encoding.ASCII.GetBytes(tid == 0 ? $"/proc/{pid}/{leaf}\0" : $"/proc/{pid}/task/{tid}/{leaf}\0");

    public void Dispose()
    {
        if (_fd >= 0) LibC.close(_fd);
        _fd = -1;
    }
}
