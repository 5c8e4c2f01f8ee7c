// UNP 1.5 / 4.8 daytimetcpsrv: the time as text (RFC 867), then close.
// Runs in a forked child with --fork: no allocation, no exceptions (fork-safety R4).
using UnpServers.ForkSafety;
using UnpServers.Interop;
using UnpServers.Unp;

namespace UnpServers.Services;

public sealed class Daytime : ConnectionService
{
    public override int Serve(int infd, int outfd)
    {
        // snprintf(buff, sizeof(buff), "%.24s\r\n", ctime(&ticks)): ctime's 24 characters, then CRLF.
        Span<byte> buff = stackalloc byte[64];
        int n = LibC.ctime_now(buff);
        if (n < 24)
        {
            Log.Error(Log.Line().Add("daytime: ctime failed"u8));
            return 1;
        }
        buff[24] = (byte)'\r';
        buff[25] = (byte)'\n';
        if (Io.Writen(outfd, buff[..26]) < 0)
        {
            int err = Errno.Last;
            Log.Error(Log.Line().Add("daytime: write error: "u8).AddErrno(err));
            return err == LibC.EPIPE || err == LibC.ECONNRESET ? 0 : 1;
        }
        return 0;
    }
}
