using UnpServers.Testing;

namespace UnpServers.Tests.Support;

/// <summary>The test process is the subreaper of everything it starts (see Reaping).</summary>
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
