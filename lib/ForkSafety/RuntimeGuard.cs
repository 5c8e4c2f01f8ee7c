// Fork-safety R1, start-up: the runtime that forks must start with W^X and diagnostics off
// and with the server's signals blocked. Both can only be arranged before the runtime
// starts, so the server re-executes itself once when they are missing.
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
    /// W^X double-maps JIT'd code from one MAP_SHARED memfd: after fork, parent and child
    /// would write each other's code. Only the environment can turn it off (clrconfig reads
    /// it there alone). Diagnostics off removes the debugger and EventPipe threads.
    /// </summary>
    public static readonly (string Name, string Value)[] RequiredEnvironment =
    [
        ("DOTNET_EnableWriteXorExecute", "0"),
        ("DOTNET_EnableDiagnostics", "0"),
    ];

    private const string ReexecMarker = "UNPSERVERS_REEXEC";

    /// <summary>True when this runtime started the way R1 requires.</summary>
    public static bool IsForkSafe()
        => RequiredEnvironment.All(v => Environment.GetEnvironmentVariable(v.Name) == v.Value)
           && HandledSignalsBlocked();

    /// <summary>
    /// Returns when the runtime is fork-safe; otherwise blocks the handled signals and
    /// replaces the process with a fresh copy of itself that is. The mask survives execve(),
    /// so the new runtime creates every one of its threads with those signals blocked.
    /// </summary>
    public static void EnsureForkSafeRuntime()
    {
        if (IsForkSafe()) return;
        if (Environment.GetEnvironmentVariable(ReexecMarker) == "1")
            throw new UnpException("execve", 0, "fork-safety: re-executed, but the environment or signal mask did not take effect");

        LibC.sigemptyset(out sigset_t set);
        foreach (int sig in HandledSignals) LibC.sigaddset(ref set, sig);
        if (LibC.sigprocmask(LibC.SIG_BLOCK, set) < 0) throw new UnpException("sigprocmask", Errno.Last);

        var env = CurrentEnvironment().Where(e => !e.StartsWith(ReexecMarker + "=", StringComparison.Ordinal)
                                                  && !RequiredEnvironment.Any(v => e.StartsWith(v.Name + "=", StringComparison.Ordinal)))
                                      .Concat(RequiredEnvironment.Select(v => $"{v.Name}={v.Value}"))
                                      .Append($"{ReexecMarker}=1")
                                      .ToList();
        LibC.execve(ThisProgram(OwnArguments(), env));
        throw new UnpException("execve", Errno.Last);
    }

    /// <summary>
    /// An execve() of this program by its real path, not /proc/self/exe: the kernel names the
    /// process (ps, comm) after the path. Used by the re-exec above and by --exec (R5).
    /// </summary>
    public static ExecPlan ThisProgram(IReadOnlyList<byte[]> argv, IReadOnlyList<string> env)
        => new(Environment.ProcessPath ?? "/proc/self/exe", argv, env);

    /// <summary>This process's environment as "NAME=value" strings.</summary>
    public static List<string> CurrentEnvironment()
        => Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
                      .Select(e => $"{e.Key}={e.Value}").ToList();

    /// <summary>argv exactly as this process received it, argv[0] included.</summary>
    public static List<byte[]> OwnArguments()
    {
        byte[] cmdline = File.ReadAllBytes("/proc/self/cmdline");
        var argv = new List<byte[]>();
        int start = 0;
        for (int i = 0; i < cmdline.Length; i++)
        {
            if (cmdline[i] != 0) continue;
            argv.Add(cmdline[start..i]);
            start = i + 1;
        }
        return argv;
    }

    private static bool HandledSignalsBlocked()
    {
        LibC.sigemptyset(out sigset_t none);
        if (LibC.sigprocmask(LibC.SIG_BLOCK, none, out sigset_t current) < 0) return false;
        return HandledSignals.All(sig => LibC.sigismember(current, sig) == 1);
    }
}
