// What ps reads from /proc/PID/stat (proc(5)): the state letter, the parent, the start time,
// the threads, the CPU time, the minor faults and, for a zombie, its exit status.
using System.Buffers.Text;
using UnpServers.Interop;

namespace UnpServers.Watch;

public struct ProcStat
{
    /// <summary>ps's STAT letter: R running, S sleeping, D disk wait, Z zombie, T stopped, t traced, I idle, X dead.</summary>
    public char State;
    public int Ppid;
    /// <summary>Page faults served without I/O: a process that forked faults at its next write (copy on write).</summary>
    public long MinorFaults;
    /// <summary>Clock ticks (USER_HZ) of CPU time in user and in kernel mode.</summary>
    public long Utime, Stime;
    public int Threads;
    /// <summary>When it started: clock ticks after boot.</summary>
    public long StartTime;
    /// <summary>Its wait status (waitpid's), once it has exited: a zombie's. 0 when not ours to read.</summary>
    public int ExitCode;

    /// <summary>
    /// Parses the text of /proc/PID/stat; comm is where the name lies in it (between the first
    /// '(' and the last ')': a name may hold both). False if it is not such a text.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out ProcStat stat, out Range comm)
    {
        stat = default;
        comm = default;
        int open = text.IndexOf((byte)'('), close = text.LastIndexOf((byte)')');
        if (open < 0 || close < open || close + 2 >= text.Length) return false;
        comm = (open + 1)..close;
        ReadOnlySpan<byte> rest = text[(close + 2)..];
        stat.State = (char)rest[0];
        // Fields after the state, counted from 1 (ppid): proc(5) numbers them from 4.
        for (int field = 0; field <= 49 && !rest.IsEmpty; field++)
        {
            int space = rest.IndexOf((byte)' ');
            ReadOnlySpan<byte> value = space < 0 ? rest : rest[..space];
            rest = space < 0 ? default : rest[(space + 1)..];
            switch (field)
            {
                case 1: Utf8Parser.TryParse(value, out stat.Ppid, out _); break;
                case 7: Utf8Parser.TryParse(value, out stat.MinorFaults, out _); break;
                case 11: Utf8Parser.TryParse(value, out stat.Utime, out _); break;
                case 12: Utf8Parser.TryParse(value, out stat.Stime, out _); break;
                case 17: Utf8Parser.TryParse(value, out stat.Threads, out _); break;
                case 19: Utf8Parser.TryParse(value, out stat.StartTime, out _); break;
                case 49: Utf8Parser.TryParse(value, out stat.ExitCode, out _); break;
            }
        }
        return true;
    }

    /// <summary>ps's word for a state letter.</summary>
    public static string StateWord(char state) => state switch
    {
        'R' => "running",
        'S' => "sleeping",
        'D' => "disk wait",
        'Z' => "zombie",
        'T' => "stopped",
        't' => "traced",
        'I' => "idle",
        'X' or 'x' => "dead",
        'P' => "parked",
        _ => "?",
    };

    /// <summary>USER_HZ: the clock ticks per second /proc counts in.</summary>
    public static readonly long TicksPerSecond = Math.Max(1, LibC.sysconf(LibC._SC_CLK_TCK));

    /// <summary>Seconds since boot, as StartTime counts (CLOCK_BOOTTIME).</summary>
    public static double Uptime()
    {
        LibC.clock_gettime(LibC.CLOCK_BOOTTIME, out timespec t);
        return t.tv_sec + t.tv_nsec / 1e9;
    }

    /// <summary>Seconds since it started.</summary>
    public readonly double Age(double uptime) => Math.Max(0, uptime - (double)StartTime / TicksPerSecond);
}
