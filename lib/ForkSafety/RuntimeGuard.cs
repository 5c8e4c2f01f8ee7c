// Fork-safety R1, start-up: the runtime that forks must start with W^X and diagnostics off,
// with no background JIT or GC thread, and with the server's signals blocked. All of it can
// only be arranged before the runtime starts, so the server re-executes itself once, as the
// first thing its Main does, before anything else (the argument parser included) runs.
using System.Text;
using UnpServers.Interop;
using UnpServers.Unp;

namespace UnpServers.ForkSafety;

public static class RuntimeGuard
{
    /// <summary>
    /// The signals the server receives as data through signalfd (R2). They must be blocked in
    /// every thread, or a runtime thread would take them with the runtime's own handler.
    /// </summary>
    public static readonly int[] HandledSignals = [LibC.SIGCHLD, LibC.SIGTERM, LibC.SIGINT, LibC.SIGHUP, LibC.SIGUSR1];

    /// <summary>
    /// What the runtime must be told, whatever the user's environment says.
    /// W^X double-maps JIT'd code from one MAP_SHARED memfd: after fork, parent and child
    /// would write each other's code. Only the environment can turn it off (clrconfig reads
    /// it there alone). Diagnostics off removes the debugger and EventPipe threads.
    /// The project file turns tiered compilation, PGO and concurrent/server GC off, but the
    /// environment overrides the project file: a DOTNET_TieredCompilation=1 would bring back
    /// the background JIT thread (R2), so the re-exec forces these too.
    /// </summary>
    public static readonly (string Name, string Value)[] RequiredEnvironment =
    [
        ("DOTNET_EnableWriteXorExecute", "0"),
        ("DOTNET_EnableDiagnostics", "0"),
        ("DOTNET_TieredCompilation", "0"),
        ("DOTNET_TieredPGO", "0"),
        ("DOTNET_gcConcurrent", "0"),
        ("DOTNET_gcServer", "0"),
    ];

    /// <summary>Tuning of the tiered JIT's background work (TC_BackgroundWorkerTimeoutMs, ...): dropped.</summary>
    private const string TieringPrefix = "TC_";

    /// <summary>The runtime reads a setting as DOTNET_X or, the older spelling, COMPlus_X.</summary>
    private static readonly string[] ConfigPrefixes = ["DOTNET_", "COMPlus_"];

    /// <summary>
    /// Set to the pid by the re-exec (execve keeps the pid): a process that finds its own pid
    /// there has re-executed once already and must not loop. A value inherited from another
    /// process (an exec'd child's environment) does not count.
    /// </summary>
    private const string ReexecMarker = "UNPSERVERS_REEXEC";

    /// <summary>Checked once: Start then lets SIGTERM/SIGINT through until the signalfd exists.</summary>
    private static bool s_forkSafe;

    /// <summary>
    /// The first line of a server's Main. Every mode that handles signals goes through R1
    /// (the iterative one too: without the mask a runtime thread takes SIGUSR1 and dies of
    /// it); --inetd serves one connection with default signal actions and is left alone.
    /// Returns in a runtime that is fork-safe, with SIGTERM and SIGINT deliverable to the
    /// main thread with their default action until the signalfd takes them over.
    /// </summary>
    public static void Start(string[] args)
    {
        if (Array.IndexOf(args, "--inetd") >= 0) return; // no LINQ: stage 1 loads and JIT-compiles as little as it can (issue 13)
        try
        {
            EnsureForkSafeRuntime();
            AllowStopDuringStartup();
        }
        catch (Exception e) when (e is UnpException or IOException or UnauthorizedAccessException)
        {
            Log.Error(e is UnpException ? e.Message : $"fork-safety: cannot read /proc/self: {e.Message}");
            Environment.Exit(1);
        }
    }

    /// <summary>True when this runtime started the way R1 requires.</summary>
    public static bool IsForkSafe()
        => RequiredEnvironment.All(v => Environment.GetEnvironmentVariable(v.Name) == v.Value)
           && !Environment.GetEnvironmentVariables().Keys.Cast<string>().Any(OverridesRequired)
           && HandledSignalsBlocked();

    /// <summary>
    /// Returns when the runtime is fork-safe; otherwise blocks the handled signals and
    /// replaces the process with a fresh copy of itself that is. The mask survives execve(),
    /// so the new runtime creates every one of its threads with those signals blocked.
    /// </summary>
    public static void EnsureForkSafeRuntime()
    {
        if (s_forkSafe) return;
        string pid = LibC.getpid().ToString(System.Globalization.CultureInfo.InvariantCulture);
        // Stage 1, the process the user started, has no marker of its own: it re-executes at
        // once, without checking the environment first. A start-up then runs as little code as
        // it can before the runtime is thrown away (each method here is JIT-compiled, see
        // Directory.Build.props); a user whose environment happened to be right pays one re-exec.
        if (Environment.GetEnvironmentVariable(ReexecMarker) == pid)
        {
            if (!IsForkSafe())
                throw new UnpException("execve", 0, "fork-safety: re-executed, but the environment or signal mask did not take effect");
            s_forkSafe = true;
            return;
        }

        LibC.sigemptyset(out sigset_t set);
        foreach (int sig in HandledSignals) LibC.sigaddset(ref set, sig);
        if (LibC.sigprocmask(LibC.SIG_BLOCK, set) < 0) throw new UnpException("sigprocmask", Errno.Last);

        // Bytes in, bytes out: a variable that is not UTF-8 passes unchanged (no U+FFFD).
        // Plain loops, no LINQ: see above.
        List<byte[]> env = Exec.OwnEnvironment();
        env.RemoveAll(e => IsName(e, ReexecMarker) || OverridesRequired(NameOf(e)) || IsRequired(e));
        foreach (var (name, value) in RequiredEnvironment) env.Add(Encoding.ASCII.GetBytes(name + "=" + value));
        env.Add(Encoding.ASCII.GetBytes(ReexecMarker + "=" + pid));
        LibC.execve(Exec.ThisProgram(Exec.OwnArguments(), env));
        throw new UnpException("execve", Errno.Last);
    }

    /// <summary>
    /// After the re-exec every handled signal is blocked, but the signalfd that reads them
    /// comes only after listen() and the --log open, which can block (a FIFO nobody reads).
    /// Until then SIGTERM and SIGINT keep their default action in the main thread, so they
    /// still end a stuck start-up. The runtime's threads keep them blocked (R1), so the kernel
    /// can only deliver them here; SignalQueue.Open blocks them again, and one that arrives
    /// after that waits in the signalfd.
    /// </summary>
    private static void AllowStopDuringStartup()
    {
        LibC.sigemptyset(out sigset_t set);
        foreach (int sig in (int[])[LibC.SIGTERM, LibC.SIGINT])
        {
            // Started ignoring it (a background job of a script ignores SIGINT): it stays so.
            if (LibC.sigaction(sig, out sigaction_t current) == 0 && current.sa_handler == LibC.SIG_IGN) continue;
            Signals.Signal(sig, LibC.SIG_DFL); // not the runtime's handler: it would talk to threads we do not run
            LibC.sigaddset(ref set, sig);
        }
        if (LibC.sigprocmask(LibC.SIG_UNBLOCK, set) < 0) throw new UnpException("sigprocmask", Errno.Last);
    }

    private static string NameOf(byte[] entry)
    {
        int eq = Array.IndexOf(entry, (byte)'=');
        return Encoding.UTF8.GetString(entry, 0, eq < 0 ? entry.Length : eq);
    }

    private static bool IsName(byte[] entry, string name) => NameOf(entry) == name;

    private static bool IsRequired(byte[] entry)
    {
        foreach (var (name, _) in RequiredEnvironment) if (IsName(entry, name)) return true;
        return false;
    }

    /// <summary>A variable that sets, or could undo, what RequiredEnvironment forces.</summary>
    private static bool OverridesRequired(string name)
    {
        foreach (string prefix in ConfigPrefixes)
        {
            if (!name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) continue;
            string setting = name[prefix.Length..];
            if (setting.StartsWith(TieringPrefix, StringComparison.OrdinalIgnoreCase)) return true;
            foreach (var (required, _) in RequiredEnvironment)
            {
                if (!string.Equals(setting, required["DOTNET_".Length..], StringComparison.OrdinalIgnoreCase)) continue;
                return name != required; // our own spelling is checked for its value instead
            }
        }
        return false;
    }

    private static bool HandledSignalsBlocked()
    {
        LibC.sigemptyset(out sigset_t none);
        if (LibC.sigprocmask(LibC.SIG_BLOCK, none, out sigset_t current) < 0) return false;
        return HandledSignals.All(sig => LibC.sigismember(current, sig) == 1);
    }
}
