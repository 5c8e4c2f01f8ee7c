// The numbers the servers run with, in one place: the options' defaults and limits (as --help
// shows them), then those no option sets.
namespace UnpServers.Server;

public static class Tunables
{
    /// <summary>--backlog when not given (UNP 4.5's LISTENQ overrides it).</summary>
    public const int DefaultBacklog = 1024;

    /// <summary>--max-children when not given: connections served at once.</summary>
    public const int DefaultMaxChildren = 256;

    /// <summary>More than this is a typo, not a plan: the table of children is sized from it.</summary>
    public const int MaxChildrenLimit = 65536;

    /// <summary>Children or threads when --workers is not given (the book's runs use 3 to 15; the C reference prefork, 8).</summary>
    public const int DefaultWorkers = 8;

    /// <summary>More workers than this is a typo, not a plan.</summary>
    public const int MaxWorkers = 1024;

    /// <summary>--idle-timeout's limit: poll() takes its time-out in milliseconds, as an int.</summary>
    public const int MaxIdleTimeoutSeconds = int.MaxValue / 1000;

    /// <summary>Connections accepted per wake-up of a design's loop, so signals (SIGCHLD: the zombies) are read between bursts.</summary>
    public const int AcceptBurst = 16;

    /// <summary>Interrupted or failed accept()s in a row before Accept returns to the loop's wait, where signals are seen.</summary>
    public const int AcceptRetryLimit = 16;

    /// <summary>Out of descriptors (EMFILE) or of processes or threads (EAGAIN): accepting pauses this long, doubling while it lasts.</summary>
    public const int FirstBackoffMs = 100;
    public const int MaxBackoffMs = 1600;

    /// <summary>Stopping: how long children (after SIGTERM) or threads (after shutdown) get to end.</summary>
    public const int StopGraceMs = 5000;

    /// <summary>Stopping: how long children get after the SIGKILL that follows StopGraceMs.</summary>
    public const int KillGraceMs = 2000;

    /// <summary>--reap ignore: how often to look for children the kernel reaped (no second SIGCHLD comes).</summary>
    public const int VanishedPollMs = 100;

    /// <summary>A thread's stack: str_echo's buffer is 16 KiB; the default 8 MiB would be address space for nothing.</summary>
    public const int ThreadStackBytes = 256 * 1024;

    /// <summary>Prefork: a child that dies sooner than this after its fork did not start, and its replacement waits.</summary>
    public const int ChildStartMs = 1000;

    /// <summary>Prefork: the longest pause between tries while children cannot start.</summary>
    public const int MaxRestartPauseMs = 10000;

    /// <summary>Prefork: while forks keep failing, a summary line at most this often.</summary>
    public const int ForkErrorSummaryMs = 60000;

    /// <summary>Prefork: after copying the children's log lines (Log's relay), the parent lets the next ones gather this long.</summary>
    public const int RelayGapMs = 100;
}
