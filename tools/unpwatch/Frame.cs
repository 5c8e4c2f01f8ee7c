// A frame as lines of text, built in buffers that are kept from frame to frame, so drawing
// ten frames a second allocates nothing once the screen has filled.
using System.Globalization;

namespace UnpServers.UnpWatch;

/// <summary>How a line is shown on a colour terminal: the whole line, one attribute.</summary>
public enum Style : byte { Plain, Title, Header, Dim, Warn, Alert }

public sealed class Line
{
    private char[] _c = new char[128];

    public int Length { get; private set; }
    public Style Style { get; private set; }
    public ReadOnlySpan<char> Text => _c.AsSpan(0, Length);

    public Line Clear(Style style)
    {
        Length = 0;
        Style = style;
        return this;
    }

    public Line Add(ReadOnlySpan<char> s)
    {
        Room(s.Length);
        s.CopyTo(_c.AsSpan(Length));
        Length += s.Length;
        return this;
    }

    public Line Add(char c)
    {
        Room(1);
        _c[Length++] = c;
        return this;
    }

    public Line Add(long v)
    {
        Room(20);
        v.TryFormat(_c.AsSpan(Length), out int n, default, CultureInfo.InvariantCulture);
        Length += n;
        return this;
    }

    /// <summary>Spaces up to column col (one at least, so fields never touch).</summary>
    public Line To(int col) => Spaces(Math.Max(1, col - Length));

    public Line Spaces(int n)
    {
        Room(n);
        _c.AsSpan(Length, n).Fill(' ');
        Length += n;
        return this;
    }

    /// <summary>s in a field of width, left-aligned, cut if longer.</summary>
    public Line Left(ReadOnlySpan<char> s, int width)
    {
        Add(s.Length > width ? s[..width] : s);
        return s.Length < width ? Spaces(width - s.Length) : this;
    }

    /// <summary>s in a field of width, right-aligned.</summary>
    public Line Right(ReadOnlySpan<char> s, int width)
    {
        if (s.Length < width) Spaces(width - s.Length);
        return Add(s);
    }

    public Line Right(long v, int width)
    {
        Span<char> d = stackalloc char[20];
        v.TryFormat(d, out int n, default, CultureInfo.InvariantCulture);
        return Right(d[..n], width);
    }

    public void CopyFrom(Line other)
    {
        Length = 0;
        Style = other.Style;
        Add(other.Text);
    }

    public bool SameAs(Line other) => Style == other.Style && Text.SequenceEqual(other.Text);

    private void Room(int more)
    {
        if (Length + more > _c.Length) Array.Resize(ref _c, Math.Max(_c.Length * 2, Length + more));
    }
}

public sealed class Frame
{
    private readonly List<Line> _lines = [];

    public int Count { get; private set; }
    public Line this[int i] => _lines[i];

    public Line Add(Style style = Style.Plain)
    {
        if (Count == _lines.Count) _lines.Add(new Line());
        return _lines[Count++].Clear(style);
    }

    public void Clear() => Count = 0;
}
