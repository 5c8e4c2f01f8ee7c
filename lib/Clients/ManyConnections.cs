// UNP 5.8 tcpcli04: several connections to the server, whose children all end at about the
// same moment, so that several children exit, and SIGCHLD fires, together.
// Every line is written and every connection half-closed (shutdown SHUT_WR, UNP 6.6) before
// any echo is read. A server that serves fewer than N at a time (--max-children) leaves the
// rest in its accept queue until a child exits: reading connection 1's echo before writing
// on connection 3 would be safe, but waiting for connection 3's echo while 1 and 2 stay open
// waits for ever. Here each child has its line and our FIN, echoes and exits, and the
// queued connections are served after them.
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
