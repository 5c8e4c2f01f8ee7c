// Fork-safety R1, start-up: the runtime's threads must be born with the server's signals
// blocked, and the finalizer thread starts before Main. The mask survives execve(), so the
// server blocks them and re-executes itself once, as the first thing its Main does (about
// 2 ms under Native AOT). The re-exec also pins the GC settings that decide the runtime's
// threads, whatever the user's environment says. docs/fork-safety.md has the whole story.
using System.Globalization;
using System.Text;
using UnpServers.Interop;
using UnpServers.Unp;

namespace UnpServers.ForkSafety;

public static class RuntimeGuard
{
    /// <summary>
    /// The signals the server receives as data through signalfd (R2). They must be blocked in
    /// every thread, or a runtime thread would take them with the default action.
    /// </summary>
    public static readonly int[] HandledSignals = [LibC.SIGCHLD, LibC.SIGTERM, LibC.SIGINT, LibC.SIGHUP, LibC.SIGUSR1];

    /// <summary>
    /// Workstation, non-concurrent GC: no GC thread besides the one that allocates. The project
    /// file says so, but the environment (DOTNET_gcServer=1) would override it.
    /// </summary>
    public static readonly (string Name, string Value)[] RequiredEnvironment =
    [
        ("DOTNET_gcServer", "0"),
        ("DOTNET_gcConcurrent", "0"),
    ];

    /// <summary>The runtime reads a setting as DOTNET_X or, the older spelling, COMPlus_X.</summary>
    private static readonly string[] ConfigPrefixes = ["DOTNET_", "COMPlus_"];

    /// <summary>
    /// "PID,MASK": set by the re-exec (execve keeps the pid), with the signal mask the server was
    /// started with (hex, signals 1-64), which its children get back (R3). A process that finds
    /// its own pid there has re-executed already; one inherited from another process does not count.
    /// </summary>
    private const string ReexecMarker = "UNPSERVERS_REEXEC";

    private static bool s_forkSafe;

    /// <summary>The signal mask the server was started with, before R1 blocked its signals.</summary>
    public static sigset_t StartMask;

    /// <summary>
    /// The first line of a server's Main. Every mode that handles signals goes through R1
    /// (the iterative one too: without the mask a runtime thread takes SIGUSR1 and dies of
    /// it); --inetd serves one connection with default signal actions and is left alone.
    /// Returns in a runtime that is fork-safe, with SIGTERM and SIGINT deliverable to the
    /// main thread with their default action until the signalfd takes them over.
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

    /// <summary>
    /// Returns when the runtime is fork-safe; otherwise blocks the handled signals and
    /// replaces the process with a fresh copy of itself that is.
    /// </summary>
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
        if (LibC.sigprocmask(LibC.SIG_BLOCK, set, out sigset_t started) < 0) throw new UnpException("sigprocmask", Errno.Last);

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
        if (LibC.sigprocmask(LibC.SIG_BLOCK, none, out sigset_t current) < 0) return false;
        foreach (int sig in HandledSignals) if (LibC.sigismember(current, sig) != 1) return false;
        return true;
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
            Signals.Signal(sig, LibC.SIG_DFL);
            LibC.sigaddset(ref set, sig);
        }
        if (LibC.sigprocmask(LibC.SIG_UNBLOCK, set) < 0) throw new UnpException("sigprocmask", Errno.Last);
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
