// UNP 5.3 str_echo: echo every byte back until the client's EOF. Runs in a forked child:
// no allocation, no exceptions (fork-safety R4).
using UnpServers.Child;
using UnpServers.Interop;
using UnpServers.Unp;

namespace UnpServers.Services;

public sealed class StrEcho : ConnectionService
{
    /// <summary>Bytes moved per read(2). Not a line limit: any byte stream is echoed whole.</summary>
    public const int BufferSize = 16384;


    public override int Serve(int infd, int outfd)
    {
        Span<byte> buf = stackalloc byte[BufferSize];
        ServingWatch? watch = Watch;
        // Poll before each read, and when a write would block, if there is a time-out to keep or a
        // watch to serve.
        bool polls = IdleTimeoutMs > 0 || watch != null;
        int timeoutMs = IdleTimeoutMs > 0 ? IdleTimeoutMs : -1;
        for (;;)
        {
            if (polls)
            {
                int ready = Io.WaitReadable(infd, timeoutMs, watch);
                if (ready == Io.Stopped) return 0;
                if (ready == 0)
                {
                    Log.Info(Log.Line().Add("str_echo: idle for "u8).Add(IdleTimeoutMs / 1000).Add(" s, closing"u8));
                    return 0;
                }
            }
            nint n = LibC.read(infd, buf);
            if (n > 0)
            {
                // --idle-timeout covers the echo too: a client that sends and never reads
                // would block this write for ever, holding the child and its slot.
                nint w = polls ? Io.WritenTimed(outfd, buf[..(int)n], timeoutMs, watch) : Io.Writen(outfd, buf[..(int)n]);
                if (w == Io.Stopped) return 0;
                if (w == Io.TimedOut)
                {
                    Log.Info(Log.Line().Add("str_echo: client has not read for "u8).Add(IdleTimeoutMs / 1000).Add(" s, closing"u8));
                    return 0;
                }
                if (w < 0) return Failed("str_echo: write error: "u8, Errno.Last);
                continue;
            }
            if (n == 0) return 0; // the client's FIN (UNP 5.7)
            int err = Errno.Last;
            if (err == EINTR) continue; // UNP 5.9: slow system calls may be interrupted
            return Failed("str_echo: read error: "u8, err);
        }
    }

    /// <summary>
    /// Logs the error. A peer that is gone (Io.PeerGone) is a normal end for the child, exit 0;
    /// anything else is its failure, exit 1.
    /// </summary>
    private static int Failed(ReadOnlySpan<byte> what, int err)
    {
        Log.Error(Log.Line().Add(what).AddErrno(err));
        return Io.PeerGone(err) ? 0 : 1;
    }
}
