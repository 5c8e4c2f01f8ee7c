// The terminal for the full-screen view: keys one at a time without echo (termios: no
// ICANON, no ECHO; ISIG stays, so Ctrl-C is still SIGINT), the alternate screen, no cursor.
// Leave puts back exactly what Enter found.
using System.Text;
using UnpServers.Interop;
using UnpServers.Unp;

namespace UnpServers.UnpWatch;

public sealed class Terminal
{
    private termios _saved;
    private bool _on;

    /// <summary>Keys can be read from stdin: it is the terminal, put in non-canonical mode.</summary>
    public bool Keys { get; private set; }

    public static bool IsTerminal(int fd) => fd >= 0 && LibC.isatty(fd) == 1;

    /// <summary>
    /// Escape codes are for a terminal that takes them: stdout a terminal, TERM set and not
    /// "dumb", NO_COLOR unset (https://no-color.org; here it means plain text altogether).
    /// </summary>
    public static bool TakesEscapes()
        => IsTerminal(Stdio.Out) && Environment.GetEnvironmentVariable("NO_COLOR") is null or ""
           && Environment.GetEnvironmentVariable("TERM") is string term && term != "" && term != "dumb";

    /// <summary>The window's rows and columns (TIOCGWINSZ on stdout); LINES and COLUMNS, then 24x80, where it says 0.</summary>
    public static (int Rows, int Cols) Size()
    {
        int rows = 0, cols = 0;
        if (LibC.ioctl_TIOCGWINSZ(Stdio.Out, out winsize ws) == 0) (rows, cols) = (ws.ws_row, ws.ws_col);
        if (rows == 0) rows = int.TryParse(Environment.GetEnvironmentVariable("LINES"), out int l) && l > 0 ? l : 24;
        if (cols == 0) cols = int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out int c) && c > 0 ? c : 80;
        return (rows, cols);
    }

    public void Enter()
    {
        if (_on) return;
        if (IsTerminal(Stdio.In) && LibC.tcgetattr(Stdio.In, out _saved) == 0)
        {
            termios raw = _saved;
            raw.c_lflag &= ~(ICANON | ECHO);
            raw.c_cc[VMIN] = 1;
            raw.c_cc[VTIME] = 0;
            Keys = LibC.tcsetattr(Stdio.In, (int)TCSANOW, raw) == 0;
        }
        Write("\e[?1049h\e[?25l"); // the alternate screen, no cursor (the first frame clears it)
        _on = true;
    }

    public void Leave()
    {
        if (!_on) return;
        Write("\e[?25h\e[?1049l"); // the cursor back, the screen as it was
        if (Keys) LibC.tcsetattr(Stdio.In, (int)TCSANOW, _saved);
        Keys = false;
        _on = false;
    }

    private static void Write(string s) => Io.Writen(Stdio.Out, Encoding.ASCII.GetBytes(s));
}
