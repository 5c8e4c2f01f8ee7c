// Fork-safety R1 (docs/fork-safety.md): the runtime's threads must be born with the server's
// signals blocked, and the finalizer starts before Main; a mask survives execve(), so Main
// blocks them and re-executes itself once, pinning the GC settings that make runtime threads.
using System.Globalization;
using System.Text;
using UnpServers.Interop;
using UnpServers.Unp;

namespace UnpServers.ForkSafety;

public static class RuntimeGuard
{
    /// <summary>The signals the server reads through its signalfd (R2), blocked in every thread.</summary>
    public static readonly int[] HandledSignals = [SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGUSR1];

    /// <summary>No GC thread: the project file says so, but the environment would override it.</summary>
    public static readonly (string Name, string Value)[] RequiredEnvironment =
    [
        ("DOTNET_gcServer", "0"),
        ("DOTNET_gcConcurrent", "0"),
    ];

    /// <summary>The runtime reads a setting as DOTNET_X or, the older spelling, COMPlus_X.</summary>
    private static readonly string[] ConfigPrefixes = ["DOTNET_", "COMPlus_"];

    /// <summary>
    /// "PID,MASK": set by the re-exec (execve keeps the pid) with the start-up mask in hex, which
    /// the children get back (R3). Only our own pid there means "re-executed already".
    /// </summary>
    private const string ReexecMarker = "UNPSERVERS_REEXEC";

    private static bool s_forkSafe;

    /// <summary>The signal mask the server was started with, before R1 blocked its signals.</summary>
    public static sigset_t StartMask;

    /// <summary>
    /// The first line of a server's Main, in every mode but --inetd (default signal actions,
    /// one connection): the iterative server too, or a runtime thread dies of SIGUSR1.
    /// </summary>
    public static void Start(string[] args)
    {
        if (Array.IndexOf(args, "--inetd") >= 0) return;
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

    /// <summary>Returns in a fork-safe runtime; otherwise blocks the handled signals and re-executes.</summary>
    public static void EnsureForkSafeRuntime()
    {
        if (s_forkSafe) return;
        string pid = LibC.getpid().ToString(CultureInfo.InvariantCulture);
        string? marker = Environment.GetEnvironmentVariable(ReexecMarker);
        if (marker != null && marker.StartsWith(pid + ",", StringComparison.Ordinal))
        {
            if (!IsForkSafe() || !ulong.TryParse(marker.AsSpan(pid.Length + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong mask))
                throw new UnpException("execve", 0, "fork-safety: re-executed, but the environment or signal mask did not take effect");
            LibC.sigemptyset(out StartMask);
            for (int sig = 1; sig <= 64; sig++) if ((mask & (1UL << (sig - 1))) != 0) LibC.sigaddset(ref StartMask, sig);
            s_forkSafe = true;
            return;
        }

        // Stage 1, the process the user started: re-execute at once, without checking first.
        LibC.sigemptyset(out sigset_t set);
        foreach (int sig in HandledSignals) LibC.sigaddset(ref set, sig);
        if (LibC.sigprocmask(SIG_BLOCK, set, out sigset_t started) < 0) throw new UnpException("sigprocmask", Errno.Last);

        // Bytes in, bytes out: a variable that is not UTF-8 passes unchanged (no U+FFFD).
        List<byte[]> env = Exec.OwnEnvironment();
        env.RemoveAll(e => OverridesRequired(NameOf(e)) || NameOf(e) == ReexecMarker);
        foreach (var (name, value) in RequiredEnvironment) env.Add(Encoding.ASCII.GetBytes(name + "=" + value));
        env.Add(Encoding.ASCII.GetBytes($"{ReexecMarker}={pid},{MaskBits(started):x}"));
        LibC.execve(Exec.ThisProgram(Exec.OwnArguments(), env));
        throw new UnpException("execve", Errno.Last);
    }

    /// <summary>True when this runtime started the way R1 requires.</summary>
    public static bool IsForkSafe()
    {
        foreach (var (name, value) in RequiredEnvironment)
            if (Environment.GetEnvironmentVariable(name) != value) return false;
        foreach (string name in Environment.GetEnvironmentVariables().Keys)
            if (OverridesRequired(name) && Array.FindIndex(RequiredEnvironment, r => r.Name == name) < 0) return false;
        LibC.sigemptyset(out sigset_t none);
        if (LibC.sigprocmask(SIG_BLOCK, none, out sigset_t current) < 0) return false;
        foreach (int sig in HandledSignals) if (LibC.sigismember(current, sig) != 1) return false;
        return true;
    }

    /// <summary>
    /// Until the signalfd (after listen() and the --log open, which can block on a FIFO), TERM
    /// and INT take their default action in the main thread, the one that has them unblocked,
    /// so they still end a stuck start-up; SignalQueue.Open blocks them again.
    /// </summary>
    private static void AllowStopDuringStartup()
    {
        LibC.sigemptyset(out sigset_t set);
        foreach (int sig in (int[])[SIGTERM, SIGINT])
        {
            // Started ignoring it (a background job of a script ignores SIGINT): it stays so.
            if (LibC.sigaction(sig, out sigaction_t current) == 0 && current.sa_handler == LibC.SIG_IGN) continue;
            Signals.Signal(sig, LibC.SIG_DFL);
            LibC.sigaddset(ref set, sig);
        }
        if (LibC.sigprocmask(SIG_UNBLOCK, set) < 0) throw new UnpException("sigprocmask", Errno.Last);
    }

    private static ulong MaskBits(in sigset_t set)
    {
        ulong bits = 0;
        for (int sig = 1; sig <= 64; sig++) if (LibC.sigismember(set, sig) == 1) bits |= 1UL << (sig - 1);
        return bits;
    }

    private static string NameOf(byte[] entry)
    {
        int eq = Array.IndexOf(entry, (byte)'=');
        return Encoding.UTF8.GetString(entry, 0, eq < 0 ? entry.Length : eq);
    }

    /// <summary>A variable that sets what RequiredEnvironment forces, in any spelling the runtime reads.</summary>
    private static bool OverridesRequired(string name)
    {
        foreach (string prefix in ConfigPrefixes)
        {
            if (!name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) continue;
            foreach (var (required, _) in RequiredEnvironment)
                if (string.Equals(name[prefix.Length..], required["DOTNET_".Length..], StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }
}
