// UNP 5.8 tcpcli04: several connections to the server, which all close at the same moment
// when the client ends, so that several children exit, and SIGCHLD fires, together.
using System.Text;
using UnpServers.Unp;

namespace UnpServers.Clients;

public static class ManyConnections
{
    public static int Run(string host, int port, int count)
    {
        var fds = new int[count];
        for (int i = 0; i < count; i++) fds[i] = TcpConnect.Open(host, port);
        var line = new byte[256];
        for (int i = 0; i < count; i++)
        {
            byte[] send = Encoding.ASCII.GetBytes($"connection {i + 1} of {count}\n");
            if (Io.Writen(fds[i], send) < 0) throw new UnpException("write", Errno.Last);
            int n = new LineReader(fds[i]).Readline(line);
            if (n < 0) throw new UnpException("read", Errno.Last);
            if (n == 0) return StrCli.Premature();
            Io.Writen(1, line.AsSpan(0, n));
        }
        // All at once: as when tcpcli04 exits and the kernel closes its five sockets.
        foreach (int fd in fds) Sockets.Close(fd);
        return 0;
    }
}
