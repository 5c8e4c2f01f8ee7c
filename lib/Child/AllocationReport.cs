// A diagnostic for the tests of fork-safety R4: with UNPSERVERS_CHILD_ALLOC_REPORT=1 in the
// server's environment, each child logs "child N allocated 0 bytes" after each connection.
// Off, a child pays one load of a field and a branch: the runtime call is made only when on.
using UnpServers.Interop;
using UnpServers.Unp;

namespace UnpServers.Child;

public static class AllocationReport
{
    public const string Variable = "UNPSERVERS_CHILD_ALLOC_REPORT";

    // No initialiser, so no static constructor to check for on each read.
    private static bool s_on;

    /// <summary>Reads the variable, in the parent, before the first fork.</summary>
    [BeforeFork]
    public static void Prepare() => s_on = Environment.GetEnvironmentVariable(Variable) == "1";

    /// <summary>Where a child's count starts: the bytes this thread has allocated so far (0 when off).</summary>
    public static long Start() => s_on ? GC.GetAllocatedBytesForCurrentThread() : 0;

    /// <summary>Logs what was allocated since start, when on.</summary>
    public static void End(long start)
    {
        if (s_on) Report(start);
    }

    private static void Report(long start)
        => Log.Info(Log.Line().Add("child "u8).Add(LibC.getpid()).Add(" allocated "u8)
                              .Add(GC.GetAllocatedBytesForCurrentThread() - start).Add(" bytes"u8));
}
