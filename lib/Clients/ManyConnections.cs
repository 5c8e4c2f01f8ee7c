// UNP 5.8 tcpcli04: several connections whose server children all exit together, so SIGCHLDs
// arrive together; every line is written before any echo is read (docs/design-notes.md says why).
using System.Text;
using UnpServers.Interop;
using UnpServers.Unp;

namespace UnpServers.Clients;

public static class ManyConnections
{
    /// <summary>The most connections -n opens: each is a descriptor here and a child there.</summary>
    public const int Max = 10000;

    public static int Run(string host, int port, int count)
    {
        var fds = new int[count];
        for (int i = 0; i < count; i++) fds[i] = TcpConnect.Open(host, port);
        for (int i = 0; i < count; i++)
        {
            byte[] send = Encoding.ASCII.GetBytes($"connection {i + 1} of {count}\n");
            if (Io.Writen(fds[i], send) < 0) return Log.ErrorAndFail("write error: ", Errno.Last);
        }
        // All at once: as when tcpcli04 exits and the kernel closes its sockets, the children
        // read their EOFs together.
        foreach (int fd in fds) LibC.shutdown(fd, LibC.SHUT_WR);

        var line = new byte[256];
        for (int i = 0; i < count; i++)
        {
            int n = new LineReader(fds[i]).Readline(line);
            if (n < 0) return Log.ErrorAndFail("read error: ", Errno.Last);
            if (n == 0) return StrCli.Premature();
            if (Io.Writen(Stdio.Out, line.AsSpan(0, n)) < 0) return Log.ErrorAndFail("write error on stdout: ", Errno.Last);
        }
        foreach (int fd in fds) Sockets.Close(fd);
        return 0;
    }
}
