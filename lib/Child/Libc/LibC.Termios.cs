// <termios.h>, <sys/ioctl.h>: the terminal, for a full-screen view that reads keys one at a time
// (no canonical mode, no echo) and redraws at the window's size. The calls are Tmds.LibC's; the
// structs are ours: its termios has c_cc as a fixed buffer, which code outside Libc/ (no unsafe
// code) cannot index, and winsize goes with it. Both have the package's layout, passed as its.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace UnpServers.Interop;

#pragma warning disable CS0649, CS8981, IDE1006 // C names, lower case; fields are filled in by libc

/// <summary>cc_t c_cc[NCCS]: NCCS is 32 in glibc.</summary>
[InlineArray(32)]
public struct termios_cc
{
    private byte _c;
}

/// <summary>struct termios as glibc declares it on Linux (x86_64 and arm64), 60 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct termios
{
    public uint c_iflag;
    public uint c_oflag;
    public uint c_cflag;
    public uint c_lflag;
    public byte c_line;
    public termios_cc c_cc;
    public uint c_ispeed;
    public uint c_ospeed;
}

/// <summary>struct winsize: the terminal's rows and columns (0 when nobody set them).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct winsize
{
    public ushort ws_row;
    public ushort ws_col;
    public ushort ws_xpixel;
    public ushort ws_ypixel;
}

public static unsafe partial class LibC
{
    public static int tcgetattr(int fd, out termios t)
    {
        termios v;
        int rc = Tmds.Linux.LibC.tcgetattr(fd, (Tmds.Linux.termios*)&v);
        t = v;
        return rc;
    }

    public static int tcsetattr(int fd, int optional_actions, in termios t)
    {
        termios v = t;
        return Tmds.Linux.LibC.tcsetattr(fd, optional_actions, (Tmds.Linux.termios*)&v);
    }

    /// <summary>ioctl(fd, TIOCGWINSZ, &amp;ws): the window size of the terminal on fd.</summary>
    public static int ioctl_TIOCGWINSZ(int fd, out winsize ws)
    {
        winsize v;
        int rc = Tmds.Linux.LibC.ioctl(fd, TIOCGWINSZ, &v);
        ws = v;
        return rc;
    }
}
