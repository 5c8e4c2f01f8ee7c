// Drawing frames: on a terminal, only the lines that changed since the last frame, each with
// its cursor position and attribute, in one write(2); as plain text, every line.
using System.Text;
using UnpServers.Unp;

namespace UnpServers.UnpWatch;

public sealed class Screen
{
    private readonly Frame _shown = new();
    private byte[] _out = new byte[16 * 1024];
    private int _len;
    private bool _full = true;

    public int Rows { get; private set; }
    public int Cols { get; private set; }

    public void Resize(int rows, int cols)
    {
        (Rows, Cols) = (rows, cols);
        _full = true;
    }

    /// <summary>Everything drawn again at the next frame (Ctrl-L, a resize, back from Ctrl-Z).</summary>
    public void Invalidate() => _full = true;

    /// <summary>Draws f on the terminal; 0, or the errno of the failed write.</summary>
    public int Draw(Frame f)
    {
        _len = 0;
        if (_full) Add("\e[H\e[2J");
        for (int i = 0; i < Math.Min(f.Count, Rows); i++)
        {
            Line line = f[i];
            if (!_full && i < _shown.Count && line.SameAs(_shown[i])) continue;
            Add("\e[").Add(i + 1).Add(";1H").Add(Sgr(line.Style));
            ReadOnlySpan<char> text = line.Text;
            Add(text.Length >= Cols ? text[..(Cols - 1)] : text); // the last column left alone: no wrap, no scroll
            Add(line.Style == Style.Plain ? "" : "\e[0m").Add("\e[K");
        }
        for (int i = f.Count; i < Math.Min(_shown.Count, Rows); i++) Add("\e[").Add(i + 1).Add(";1H\e[K");
        _full = false;
        _shown.Clear();
        for (int i = 0; i < f.Count; i++) _shown.Add().CopyFrom(f[i]);
        return Flush();
    }

    /// <summary>Prints f as plain text, every line whole, and a blank line after it unless last.</summary>
    public int Print(Frame f, bool blankAfter)
    {
        _len = 0;
        for (int i = 0; i < f.Count; i++) Add(f[i].Text).Add("\n");
        if (blankAfter) Add("\n");
        return Flush();
    }

    private static string Sgr(Style s) => s switch
    {
        Style.Title => "\e[7m",
        Style.Header => "\e[1m",
        Style.Dim => "\e[2m",
        Style.Warn => "\e[33m",
        Style.Alert => "\e[1;31m",
        _ => "",
    };

    private Screen Add(ReadOnlySpan<char> s)
    {
        int most = Encoding.UTF8.GetMaxByteCount(s.Length);
        if (_len + most > _out.Length) Array.Resize(ref _out, Math.Max(_out.Length * 2, _len + most));
        _len += Encoding.UTF8.GetBytes(s, _out.AsSpan(_len));
        return this;
    }

    private Screen Add(int n)
    {
        Span<char> d = stackalloc char[11];
        n.TryFormat(d, out int w, default, System.Globalization.CultureInfo.InvariantCulture);
        return Add(d[..w]);
    }

    private int Flush() => Io.Writen(Stdio.Out, _out.AsSpan(0, _len)) < 0 ? Errno.Last : 0;
}
