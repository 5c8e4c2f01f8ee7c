// execve(2) from managed argument and environment lists.
using System.Runtime.InteropServices;
using System.Text;

namespace UnpServers.Interop;

public static unsafe partial class LibC
{
    /// <summary>
    /// execve(2) with byte-string arguments (exactly as /proc/self/cmdline holds them) and
    /// "NAME=value" environment strings. Returns only on failure: -1 with errno.
    /// Allocates, so it is for the parent's start-up, never for a forked child.
    /// </summary>
    public static int execve(string path, IReadOnlyList<byte[]> argv, IReadOnlyList<string> envp)
    {
        var blocks = new List<nint>();
        try
        {
            nint Dup(ReadOnlySpan<byte> s)
            {
                nint p = (nint)NativeMemory.Alloc((nuint)s.Length + 1);
                s.CopyTo(new Span<byte>((void*)p, s.Length));
                ((byte*)p)[s.Length] = 0;
                blocks.Add(p);
                return p;
            }
            byte** args = (byte**)NativeMemory.AllocZeroed((nuint)(argv.Count + 1), (nuint)sizeof(nint));
            blocks.Add((nint)args);
            for (int i = 0; i < argv.Count; i++) args[i] = (byte*)Dup(argv[i]);
            byte** env = (byte**)NativeMemory.AllocZeroed((nuint)(envp.Count + 1), (nuint)sizeof(nint));
            blocks.Add((nint)env);
            for (int i = 0; i < envp.Count; i++) env[i] = (byte*)Dup(Encoding.UTF8.GetBytes(envp[i]));
            byte* p = (byte*)Dup(Encoding.UTF8.GetBytes(path));
            return execve(p, args, env);
        }
        finally
        {
            foreach (nint b in blocks) NativeMemory.Free((void*)b);
        }
    }
}

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

    public ExecPlan(string path, IReadOnlyList<byte[]> argv, IReadOnlyList<string> envp)
    {
        Path = Dup(Encoding.UTF8.GetBytes(path));
        Argv = Table(argv);
        Envp = Table(envp.Select(Encoding.UTF8.GetBytes).ToList());
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
