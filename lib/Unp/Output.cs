// Text to stdout or stderr through write(2), for usage lines, --help and the clients: never an
// exception, unlike Console.Out (a closed or full descriptor is an errno). Never in a forked child.
using System.Text;

namespace UnpServers.Unp;

public static class Output
{
    /// <summary>Writes all of text; 0, or the errno of the failure (EBADF for a closed descriptor, ENOSPC, EPIPE).</summary>
    public static int Write(int fd, string text)
    {
        if (fd < 0) return EBADF;
        return Io.Writen(fd, Encoding.UTF8.GetBytes(text)) < 0 ? Errno.Last : 0;
    }
}
