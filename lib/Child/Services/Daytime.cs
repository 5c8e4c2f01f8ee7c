// UNP 1.5 / 4.8 daytimetcpsrv: the time as text (RFC 867), then close.
// Runs in a forked child with --fork: no allocation, no exceptions (fork-safety R4).
using UnpServers.Child;
using UnpServers.Interop;
using UnpServers.Unp;

namespace UnpServers.Services;

/// <param name="writeSize">
/// UNP exercise 1.5: write the reply this many bytes at a time (0: in one write). Each piece
/// goes out as its own segment (TCP_NODELAY) after a short pause, so a client's read loop
/// (daytimecli --count) really sees several reads: TCP keeps no record boundaries.
/// </param>
public sealed class Daytime(int writeSize = 0) : ConnectionService
{
    /// <summary>The pause between pieces: long enough for the client to read each one alone.</summary>
    public const int PieceGapMs = 10;

    public int WriteSize { get; } = writeSize;

    public override bool UsesLocalTime => true;


    public override int Serve(int infd, int outfd)
    {
        // snprintf(buff, sizeof(buff), "%.24s\r\n", ctime(&ticks)): ctime's 24 characters, then
        // CRLF. Not libc's ctime: its time-zone lock is not the child's to take (Clock.cs).
        Span<byte> buff = stackalloc byte[64];
        int n = Clock.CtimeNow(buff);
        if (n < 24)
        {
            Log.Error(Log.Line().Add("daytime: ctime failed"u8));
            return 1;
        }
        buff[24] = (byte)'\r';
        buff[25] = (byte)'\n';
        int size = WriteSize > 0 ? WriteSize : 26;
        // Without Nagle's algorithm each small write is sent at once; not a TCP socket (a pipe under --inetd): no pause needed.
        bool pause = size < 26 && LibC.setsockopt(outfd, IPPROTO_TCP, TCP_NODELAY, 1) == 0;
        ServingWatch? watch = Watch; // the iterative server's signals, handled while it serves
        for (int start = 0; start < 26; start += size)
        {
            if (start > 0 && pause && Io.Pause(PieceGapMs, watch) == Io.Stopped) return 0;
            // A time-out set (the rehearsal sets one) covers a peer that does not read, as in str_echo.
            ReadOnlySpan<byte> piece = buff[start..Math.Min(start + size, 26)];
            nint w = IdleTimeoutMs > 0 || watch != null ? Io.WritenTimed(outfd, piece, IdleTimeoutMs > 0 ? IdleTimeoutMs : -1, watch)
                                                        : Io.Writen(outfd, piece);
            if (w == Io.Stopped) return 0;
            if (w == Io.TimedOut)
            {
                Log.Info(Log.Line().Add("daytime: client has not read for "u8).Add(IdleTimeoutMs / 1000).Add(" s, closing"u8));
                return 0;
            }
            if (w < 0)
            {
                int err = Errno.Last;
                Log.Error(Log.Line().Add("daytime: write error: "u8).AddErrno(err));
                return Io.PeerGone(err) ? 0 : 1;
            }
        }
        return 0;
    }
}
