namespace UnpServers.Tests;

/// <summary>The harness signals a process only through a pidfd opened for a checked child.</summary>
[TestFixture]
public class HarnessTests
{
    [Test]
    public void AHandleOpensOnlyForAChildOfTheGivenParentAndNeverOutlivesTheProcess()
    {
        using var server = ServerProcess.StartEcho();
        Assert.That(ProcessHandle.OfOwnChild(1), Is.Null, "pid 1 is not the test's child");
        using (var own = ProcessHandle.OfOwnChild(server.Pid)) Assert.That(own, Is.Not.Null, "the server is");

        var c = Loopback.Connect(server.Port);
        Assert.That(TestSocket.Line(c, "x"), Is.EqualTo("x\n"));
        int kid = server.Children().Single();
        Assert.That(ProcessHandle.OfOwnChild(kid), Is.Null, "the server's child is not the test's");
        using var h = ProcessHandle.OfChild(kid, server.Pid);
        Assert.That(h, Is.Not.Null, "it is the server's");

        c.Close(); // the child exits and the server reaps it: its pid is free for anyone
        Assert.That(Wait.Until(() => !h!.Exists, 5000), Is.True, "reaped by the server");
        Assert.That(h!.Signal(SIGKILL), Is.False, "a reaped child's handle signals nobody");
        Assert.That(() => server.SignalChild(kid, SIGKILL), Throws.InstanceOf<AssertionException>(), "nor does the server's");
    }

    [Test]
    public void AChildTheServerLeavesBehindComesBackToTheTestProcessAndIsReaped()
    {
        int kid;
        using (var server = ServerProcess.StartEcho())
        {
            using var c = Loopback.Connect(server.Port);
            Assert.That(TestSocket.Line(c, "x"), Is.EqualTo("x\n"));
            kid = server.Children().Single();
            server.Signal(SIGKILL); // the child lives on, serving c
            Assert.That(server.WaitForExit(5000), Is.Not.Null, "the server is gone");
            Assert.That(Wait.Until(() => ProcFs.ParentOf(kid) != server.Pid, 5000), Is.True, "the orphan is adopted");
            Assert.That(ProcFs.ParentOf(kid), Is.EqualTo(Environment.ProcessId), "by the test process, its subreaper, not by PID 1 (which reaps nothing here)");
        }
        Assert.That(ProcFs.Exists(kid), Is.False, "Dispose killed and reaped it: no zombie left");
    }
}
