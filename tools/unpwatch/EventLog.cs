// The transitions seen between frames, timestamped: kept for the screen's scrolling list and
// written, one line each, to --events FILE (or stdout) as they are seen.
using System.Globalization;
using System.Text;
using UnpServers.Interop;
using UnpServers.Unp;

namespace UnpServers.UnpWatch;

public enum EventKind { Watch, Connection, Fork, Exit, Killed, Zombie, Reaped, State, Closed }

public readonly record struct WatchEvent(string Time, EventKind Kind, string Text);

public sealed class EventLog : IDisposable
{
    private readonly WatchEvent[] _ring = new WatchEvent[512];
    private int _fd = -1;
    private bool _ownFd;
    private string _name = "";

    /// <summary>Every event so far (the ring keeps the last 512).</summary>
    public long Count { get; private set; }

    /// <summary>The errno of a failed write to the events file (EPIPE: its reader went away), or 0.</summary>
    public int WriteError { get; private set; }

    public string Name => _name;

    /// <summary>
    /// From now on, each event is also written to path (created or emptied, like a shell's &gt;),
    /// or to stdout for "-".
    /// </summary>
    public void WriteTo(string path)
    {
        if (path == "-")
        {
            (_fd, _ownFd, _name) = (Stdio.Out, false, "stdout");
            if (_fd < 0) WriteError = EBADF;
            return;
        }
        byte[] name = [.. Cli.RawArguments.OptionValue("events", path), 0]; // the bytes typed: a name that is not UTF-8 names that file
        int fd = LibC.open(name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0x1a4 /* 0644 */);
        if (fd < 0) throw new UnpException("open", Errno.Last, $"open error for {path}: {ErrorText.Describe(Errno.Last)}");
        (_fd, _ownFd, _name) = (fd, true, path);
    }

    public void Add(EventKind kind, string text)
    {
        var e = new WatchEvent(DateTime.Now.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture), kind, text);
        _ring[Count % _ring.Length] = e;
        Count++;
        if (_fd < 0 || WriteError != 0) return;
        if (Io.Writen(_fd, Encoding.UTF8.GetBytes($"{e.Time} {e.Text}\n")) < 0) WriteError = Errno.Last;
    }

    /// <summary>Event number seq (0 is the first), if the ring still holds it.</summary>
    public WatchEvent? this[long seq] => seq >= 0 && seq < Count && seq >= Count - _ring.Length ? _ring[seq % _ring.Length] : null;

    public void Dispose()
    {
        if (_ownFd && _fd >= 0) LibC.close(_fd);
        _fd = -1;
    }
}
