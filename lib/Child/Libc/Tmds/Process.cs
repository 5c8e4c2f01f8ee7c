// <unistd.h>: Tmds.LibC's process calls (_exit, execve, getpid, getppid). The fork is ours:
// LibC._Fork (LibC.Process.cs).
namespace UnpServers.Interop;

/// <summary>
/// An execve(2) call prepared in native memory: path, argv and envp as C strings (char *,
/// char **), built once by the parent (Exec.Plan); a forked child calls
/// <see cref="LibC.execve(ExecPlan)"/>, which allocates nothing (fork-safety R4, R5).
/// </summary>
public sealed class ExecPlan(nint path, nint argv, nint envp)
{
    internal nint Path { get; } = path;
    internal nint Argv { get; } = argv;
    internal nint Envp { get; } = envp;
}

public static unsafe partial class LibC
{
    /// <summary>Ends the process at once: no atexit handlers, no runtime shutdown (fork-safety R4).</summary>
    public static void _exit(int status) => Tmds.Linux.LibC._exit(status);

    public static int getpid() => Tmds.Linux.LibC.getpid();

    public static int getppid() => Tmds.Linux.LibC.getppid();

    /// <summary>execve(2) of a prepared plan; returns only on failure, -1 with errno.</summary>
    public static int execve(ExecPlan plan) => Tmds.Linux.LibC.execve((byte*)plan.Path, (byte**)plan.Argv, (byte**)plan.Envp);
}
