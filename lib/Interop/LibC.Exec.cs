// execve(2) of a plan prepared in native memory.
using System.Runtime.InteropServices;
using System.Text;

namespace UnpServers.Interop;

/// <summary>
/// An execve(2) call prepared in native memory: path, argv and envp as C strings. The
/// parent builds it once; a forked child calls <see cref="LibC.execve(ExecPlan)"/>, which
/// allocates nothing (fork-safety R4, R5). It lives as long as the process.
/// </summary>
public sealed unsafe class ExecPlan
{
    internal byte* Path { get; }
    internal byte** Argv { get; }
    internal byte** Envp { get; }

    /// <param name="argv">Arguments as bytes, passed through unchanged.</param>
    /// <param name="envp">"NAME=value" entries as bytes: a value that is not UTF-8 stays as it was.</param>
    public ExecPlan(string path, IReadOnlyList<byte[]> argv, IReadOnlyList<byte[]> envp)
    {
        Path = Dup(Encoding.UTF8.GetBytes(path));
        Argv = Table(argv);
        Envp = Table(envp);
    }

    private static byte* Dup(ReadOnlySpan<byte> s)
    {
        byte* p = (byte*)NativeMemory.Alloc((nuint)s.Length + 1);
        s.CopyTo(new Span<byte>(p, s.Length));
        p[s.Length] = 0;
        return p;
    }

    private static byte** Table(IReadOnlyList<byte[]> strings)
    {
        byte** t = (byte**)NativeMemory.AllocZeroed((nuint)(strings.Count + 1), (nuint)sizeof(nint));
        for (int i = 0; i < strings.Count; i++) t[i] = Dup(strings[i]);
        return t;
    }
}

public static unsafe partial class LibC
{
    /// <summary>execve(2) of a prepared plan; returns only on failure, -1 with errno.</summary>
    public static int execve(ExecPlan plan) => execve(plan.Path, plan.Argv, plan.Envp);
}
