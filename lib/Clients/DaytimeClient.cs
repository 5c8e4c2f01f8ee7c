// UNP 1.2 daytimetcpcli: print what the server sends until its FIN. TCP is a byte stream,
// so the reply may come in any number of pieces: read until read() returns 0 (UNP 1.2, ex. 1.5).
using UnpServers.Interop;
using UnpServers.Unp;

namespace UnpServers.Clients;

public static class DaytimeClient
{
    public static int Run(string host, int port, bool count)
    {
        try
        {
            int sockfd = TcpConnect.Open(host, port);
            byte[] recvline = new byte[4096];
            int counter = 0;
            nint n;
            while ((n = Io.Read(sockfd, recvline)) > 0)
            {
                counter++;
                if (Io.Writen(Stdio.Out, recvline.AsSpan(0, (int)n)) < 0) return Log.ErrorAndFail("write error: ", Errno.Last);
            }
            if (n < 0) return Log.ErrorAndFail("read error: ", Errno.Last);
            LibC.close(sockfd);
            if (counter == 0)
            {
                // A FIN and no data: the server failed (a child that could not serve), not "the time is empty".
                Log.Error("daytimecli: no reply: the server closed the connection without sending anything");
                return 1;
            }
            if (count && Output.Write(Stdio.Out, $"counter = {counter}\n") is int err and not 0) return Log.ErrorAndFail("write error: ", err);
            return 0;
        }
        catch (UnpException e)
        {
            Log.Error(e.Message);
            return 1;
        }
    }
}
