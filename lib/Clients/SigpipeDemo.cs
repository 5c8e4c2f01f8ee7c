// UNP 5.13 tcpcli11 (str_cli11): each line is written in two parts, one byte, a second's
// pause, then the rest. If the server's child has died, the first write draws a RST and
// the second writes to a reset socket: EPIPE, or death by SIGPIPE if it is not ignored.
using UnpServers.Interop;
using UnpServers.Unp;

namespace UnpServers.Clients;

public static class SigpipeDemo
{
    public static int Run(int sockfd)
    {
        var stdin = new LineReader(Stdio.In);
        var sockin = new LineReader(sockfd);
        var line = new byte[4096];
        var echo = new byte[4096];
        for (;;)
        {
            int n = stdin.Readline(line);
            if (n < 0) return Log.ErrorAndFail("str_cli: read error on stdin: ", Errno.Last);
            if (n == 0) return 0;
            if (Io.Writen(sockfd, line.AsSpan(0, 1)) < 0) return WriteError();
            Thread.Sleep(1000);                                              // the RST arrives meanwhile
            if (n > 1 && Io.Writen(sockfd, line.AsSpan(1, n - 1)) < 0) return WriteError();
            int m = sockin.Readline(echo);
            if (m < 0) return Log.ErrorAndFail("str_cli: read error: ", Errno.Last);
            if (m == 0) return StrCli.Premature();
            if (Io.Writen(Stdio.Out, echo.AsSpan(0, m)) < 0) return Log.ErrorAndFail("str_cli: write error on stdout: ", Errno.Last);
        }
    }

    private static int WriteError() => Log.ErrorAndFail("write error: ", Errno.Last);
}
