using UnpServers.Interop;

namespace UnpServers.Testing;

/// <summary>
/// PID 1 on these machines does not reap orphans. A harness process makes itself the
/// subreaper of everything it starts, so a server's children that outlive it (the server
/// killed first) come back to it and are reaped here instead of staying zombies.
/// </summary>
public static class Reaping
{
    /// <summary>prctl(PR_SET_CHILD_SUBREAPER); false (errno set) if it failed.</summary>
    public static bool BecomeSubreaper() => LibC.prctl(LibC.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0;

    /// <summary>
    /// Kills each process with SIGKILL (through its pidfd: never a reused pid) and reaps it if
    /// it became our child, within a deadline. Closes the handles.
    /// </summary>
    public static void KillAndReap(IEnumerable<ProcessHandle> handles, int timeoutMs = 3000)
    {
        var left = handles.ToList();
        var all = left.ToList();
        foreach (ProcessHandle h in left) h.Signal(SIGKILL);
        long deadline = Environment.TickCount64 + timeoutMs;
        while (left.Count > 0 && Environment.TickCount64 < deadline)
        {
            // Reaped here (it became our child), or gone (its own parent reaped it).
            left.RemoveAll(h => h.TryReap());
            if (left.Count > 0) Thread.Sleep(10);
        }
        foreach (ProcessHandle h in all) h.Dispose();
    }
}
