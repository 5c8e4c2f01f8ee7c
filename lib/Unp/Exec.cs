// UNP 4.7: exec'ing this program again, with argv and the environment exactly as the kernel
// gave them; used by the fork-safety re-exec (R1) and by --exec (R5).
using UnpServers.Interop;

namespace UnpServers.Unp;

public static class Exec
{
    /// <summary>
    /// An execve() of this program by its real path, not /proc/self/exe: the kernel names the
    /// process (ps, comm) after the path.
    /// </summary>
    public static ExecPlan ThisProgram(IReadOnlyList<byte[]> argv, IReadOnlyList<byte[]> env)
        => new(ProgramPath, argv, env);

    /// <summary>The path this program runs from.</summary>
    public static string ProgramPath => Environment.ProcessPath ?? "/proc/self/exe";

    /// <summary>This process's environment, "NAME=value" exactly as the kernel passed it (/proc/self/environ).</summary>
    public static List<byte[]> OwnEnvironment() => SplitNul("/proc/self/environ");

    /// <summary>argv exactly as this process received it, argv[0] included.</summary>
    public static List<byte[]> OwnArguments() => SplitNul("/proc/self/cmdline");

    private static List<byte[]> SplitNul(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var list = new List<byte[]>();
        int start = 0;
        for (int i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] != 0) continue;
            list.Add(bytes[start..i]);
            start = i + 1;
        }
        return list;
    }
}
