namespace UnpServers.Testing;

/// <summary>Bounded waiting: every wait in the tests has a deadline.</summary>
public static class Wait
{
    public static bool Until(Func<bool> condition, int timeoutMs, int pollMs = 10)
    {
        long deadline = Environment.TickCount64 + timeoutMs;
        for (;;)
        {
            if (condition()) return true;
            if (Environment.TickCount64 > deadline) return false;
            Thread.Sleep(pollMs);
        }
    }
}
