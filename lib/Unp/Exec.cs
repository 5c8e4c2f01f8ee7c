// UNP 4.7: exec'ing this program again, with argv and the environment exactly as the kernel
// gave them; used by the fork-safety re-exec (R1) and by --exec (R5).
using System.Runtime.InteropServices;
using System.Text;
using UnpServers.Interop;

namespace UnpServers.Unp;

public static class Exec
{
    /// <summary>
    /// An execve() of this program by its real path, not /proc/self/exe: the kernel names the
    /// process (ps, comm) after the path.
    /// </summary>
    public static ExecPlan ThisProgram(IReadOnlyList<byte[]> argv, IReadOnlyList<byte[]> env)
        => Plan(Encoding.UTF8.GetBytes(ProgramPath), argv, env);

    /// <summary>
    /// An execve() prepared in native memory, for a forked child to call without allocating
    /// (R4, R5); it lives as long as the process. Arguments and "NAME=value" entries pass as
    /// bytes, unchanged: a value that is not UTF-8 stays as it was.
    /// </summary>
    public static ExecPlan Plan(byte[] path, IReadOnlyList<byte[]> argv, IReadOnlyList<byte[]> envp)
        => new(CString(path), Table(argv), Table(envp));

    /// <summary>The path this program runs from.</summary>
    public static string ProgramPath => Environment.ProcessPath ?? "/proc/self/exe";

    /// <summary>This process's environment, "NAME=value" exactly as the kernel passed it (/proc/self/environ).</summary>
    public static List<byte[]> OwnEnvironment() => SplitNul("/proc/self/environ");

    /// <summary>argv exactly as this process received it, argv[0] included.</summary>
    public static List<byte[]> OwnArguments() => SplitNul("/proc/self/cmdline");

    private static nint CString(byte[] s)
    {
        nint p = Marshal.AllocHGlobal(s.Length + 1);
        Marshal.Copy(s, 0, p, s.Length);
        Marshal.WriteByte(p, s.Length, 0);
        return p;
    }

    /// <summary>A NULL-terminated array of C strings, as argv and envp are.</summary>
    private static nint Table(IReadOnlyList<byte[]> strings)
    {
        nint t = Marshal.AllocHGlobal((strings.Count + 1) * IntPtr.Size);
        for (int i = 0; i < strings.Count; i++) Marshal.WriteIntPtr(t, i * IntPtr.Size, CString(strings[i]));
        Marshal.WriteIntPtr(t, strings.Count * IntPtr.Size, 0);
        return t;
    }

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
