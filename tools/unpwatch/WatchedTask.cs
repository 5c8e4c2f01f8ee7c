// One process of the server's tree, or one thread of it: what its /proc files said last, kept
// open between frames (lib/Watch/ProcFile.cs), and what has been reported of its end.
using System.Text;
using UnpServers.Interop;
using UnpServers.Watch;

namespace UnpServers.UnpWatch;

public sealed class WatchedTask : IDisposable
{
    public int Pid { get; }
    /// <summary>0 for the process itself; a thread's own id for a thread of it.</summary>
    public int Tid { get; }
    /// <summary>0 for the server, 1 for its children, ...: the indent of ps f.</summary>
    public int Depth { get; set; }

    public ProcStat Stat;
    public string Comm { get; private set; } = "";
    /// <summary>Where it waits, in the book's words (WaitChannel), or null.</summary>
    public string? Where { get; private set; }
    /// <summary>A pidfd, readable once the process has exited (processes only; -1 when none); ExitWatch owns it.</summary>
    public int PidFd { get; set; } = -1;

    /// <summary>Stopwatch ticks: when it was first seen, when it was seen to exit (0: not yet), when it was seen gone.</summary>
    public long FirstSeen, ExitedAt, GoneAt;
    /// <summary>Its wait status if it was seen as a zombie.</summary>
    public int? Status;
    public bool ForkReported, ExitReported, ZombieReported, SeenAsZombie;
    /// <summary>A thread the runtime runs for itself (".NET Finalizer"): counted, not listed.</summary>
    public bool Hidden { get; private set; }

    /// <summary>The threads of a process besides its main thread, by thread id (none for a thread).</summary>
    public readonly Dictionary<int, WatchedTask> Threads = [];

    /// <summary>The frame it was last listed in (threads: /proc/PID/task).</summary>
    public int ListedInFrame;

    private ProcFile? _stat, _syscall, _wchan, _children;
    private byte[] _comm = [];
    private int _syscallNr = int.MinValue;
    private long _arg0, _arg1;

    public WatchedTask(int pid, int tid, long now)
    {
        Pid = pid;
        Tid = tid;
        FirstSeen = now;
        _stat = ProcFile.Open(pid, tid, "stat");
    }

    public bool IsThread => Tid != 0;
    public bool Exited => ExitedAt != 0;
    public bool Gone => GoneAt != 0;
    public bool IsZombie => Stat.State == 'Z';

    /// <summary>Whether it ran (CPU time or a page fault) between the last two reads of its stat.</summary>
    public bool Ran { get; private set; } = true;

    /// <summary>Reads its stat again; false once it is gone (reaped, or never readable).</summary>
    public bool Refresh(Span<byte> buf)
    {
        int n = _stat?.Read(buf) ?? -1;
        long before = Stat.Utime + Stat.Stime + Stat.MinorFaults;
        if (n <= 0 || !ProcStat.TryParse(buf[..n], out Stat, out Range comm)) return false;
        Ran = Stat.Utime + Stat.Stime + Stat.MinorFaults != before;
        ReadOnlySpan<byte> name = buf[comm];
        if (!name.SequenceEqual(_comm))
        {
            _comm = name.ToArray();
            Comm = Encoding.UTF8.GetString(_comm);
            Hidden = IsThread && Comm.StartsWith(".NET ", StringComparison.Ordinal);
        }
        return true;
    }

    /// <summary>
    /// Appends the pids of /proc/PID/task/PID/children (the children of its main thread, which
    /// is the one a server forks from) to into; buf grows to hold them all.
    /// </summary>
    public void ReadChildren(ref byte[] buf, List<int> into)
    {
        _children ??= ProcFile.Open(Pid, Pid, "children");
        if (_children == null) return;
        int n;
        while ((n = _children.Read(buf)) == buf.Length) buf = new byte[buf.Length * 2];
        ReadOnlySpan<byte> text = buf.AsSpan(0, Math.Max(0, n));
        while (!text.IsEmpty)
        {
            if (System.Buffers.Text.Utf8Parser.TryParse(text, out int child, out int used)) into.Add(child);
            text = text[Math.Min(text.Length, used + 1)..];
        }
    }

    /// <summary>
    /// Reads where it waits, when it sleeps: the system call (/proc/PID/syscall), else the
    /// kernel function (/proc/PID/wchan). The text is made again only when the call changed.
    /// </summary>
    public void RefreshWhere(Span<byte> buf)
    {
        string? without = Stat.State switch
        {
            'R' => "running",
            'Z' => Status is int s ? _ended ??= Describe(s) : "exited",
            'T' or 't' => "stopped",
            _ => _source == WhereSource.None ? "" : null,
        };
        if (without != null)
        {
            Where = without.Length > 0 ? without : null;
            _syscallNr = int.MinValue; // the call is read again when it sleeps again
            return;
        }
        if (_source == WhereSource.Syscall)
        {
            _syscall ??= ProcFile.Open(Pid, Tid, "syscall");
            int n = _syscall?.Read(buf) ?? -1;
            if (n > 0 && buf[..n].StartsWith("running"u8))
            {
                Where = "running";
                _syscallNr = int.MinValue;
                return;
            }
            if (n > 0 && WaitChannel.TryParseSyscall(buf[..n], out int nr, out long a0, out long a1))
            {
                if (nr != _syscallNr || a0 != _arg0 || a1 != _arg1)
                {
                    (_syscallNr, _arg0, _arg1) = (nr, a0, a1);
                    Where = WaitChannel.Describe(nr, a0, a1) ?? $"syscall {nr}";
                }
                return;
            }
            if (_syscall == null || (n < 0 && UnpServers.Unp.Errno.Last is var e && (e == EACCES || e == EPERM)))
            {
                _syscall?.Dispose();
                _syscall = null;
                _source = WhereSource.Wchan; // not ours to trace: the kernel function is all there is
            }
            // Else not in a system call now ("-1 SP PC"): the kernel function says where, this time.
        }
        _syscallNr = int.MinValue;
        _wchan ??= ProcFile.Open(Pid, Tid, "wchan");
        int m = _wchan?.Read(buf) ?? -1;
        Where = m > 0 ? WaitChannel.FromWchan(buf[..m]) : null;
        if (Where == null && _source == WhereSource.Wchan)
        {
            _wchan?.Dispose(); // "0" for a sleeping process: not ours to look at
            _wchan = null;
            _source = WhereSource.None;
        }
    }

    private enum WhereSource { Syscall, Wchan, None }

    private WhereSource _source;
    private string? _ended;

    /// <summary>"exited 0", "killed by SIGTERM": a wait status as the book's server logs it.</summary>
    public static string Describe(int status)
        => LibC.WIFEXITED(status) ? $"exit status {LibC.WEXITSTATUS(status)}"
         : $"killed by {UnpServers.Unp.ErrorText.SignalName(LibC.WTERMSIG(status))}" + (LibC.WCOREDUMP(status) ? " (core dumped)" : "");

    public void Dispose()
    {
        _stat?.Dispose();
        _syscall?.Dispose();
        _wchan?.Dispose();
        _children?.Dispose();
        (_stat, _syscall, _wchan, _children) = (null, null, null, null);
        foreach (WatchedTask t in Threads.Values) t.Dispose();
        Threads.Clear();
    }
}
