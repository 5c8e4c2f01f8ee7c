// UNP 5.5 str_cli as first written (tcpcli01): fgets, writen, readline, fputs, blocking in one call
// at a time, as the lessons of 5.12 and 5.14 need; docs/design-notes.md has the loop and why.
using UnpServers.Interop;
using UnpServers.Unp;

namespace UnpServers.Clients;

public static class StrCliBlocking
{
    private const int Stdin = 0, Stdout = 1, MaxLine = 4096;

    /// <summary>Echoes stdin's lines through sockfd one at a time until stdin's EOF; returns the exit status.</summary>
    public static int Run(int sockfd)
    {
        var fp = new LineReader(Stdin, MaxLine);
        var sock = new LineReader(sockfd, MaxLine);
        byte[] sendline = new byte[MaxLine];
        byte[] recvline = new byte[MaxLine];
        for (;;)
        {
            int n = fp.Readline(sendline); // fgets
            if (n < 0) return Log.ErrorAndFail("str_cli: read error on stdin: ", Errno.Last);
            if (n == 0) return 0; // EOF: exit, and the kernel closes the socket (our FIN)

            if (Io.Writen(sockfd, sendline.AsSpan(0, n)) < 0)
            {
                // SIGPIPE is ignored (the runtime's choice, or --sigpipe ignore): EPIPE, UNP 5.13.
                return Log.ErrorAndFail("str_cli: writen error: ", Errno.Last);
            }

            // Exactly the bytes sent come back: a line longer than MaxLine in pieces, and a last
            // line without a newline as it is (readline would otherwise wait for its newline).
            int echoed = 0;
            while (echoed < n)
            {
                int r = sock.Readline(recvline.AsSpan(0, n - echoed));
                if (r < 0) return Log.ErrorAndFail("str_cli: readline error: ", Errno.Last); // UNP 5.14, 5.15
                if (r == 0) return StrCli.Premature(); // UNP 5.12: the FIN, read at last
                if (Io.Writen(Stdout, recvline.AsSpan(0, r)) < 0) return Log.ErrorAndFail("str_cli: write error on stdout: ", Errno.Last);
                echoed += r;
            }
        }
    }
}
