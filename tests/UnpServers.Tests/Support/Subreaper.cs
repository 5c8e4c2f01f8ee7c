using UnpServers.Testing;

/// <summary>
/// The test process is the subreaper of everything it starts (see Reaping). Outside any
/// namespace, so NUnit runs it once for the whole assembly: a SetUpFixture in a namespace
/// runs only for the fixtures of that namespace.
/// </summary>
[SetUpFixture]
public sealed class Subreaper
{
    [OneTimeSetUp]
    public void BecomeSubreaper()
    {
        if (!Reaping.BecomeSubreaper())
            Assert.Fail("prctl(PR_SET_CHILD_SUBREAPER) failed: errno " + System.Runtime.InteropServices.Marshal.GetLastPInvokeError());
    }
}
