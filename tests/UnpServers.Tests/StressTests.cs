namespace UnpServers.Tests;

/// <summary>
/// The soak (make stress) must be able to fail: a short run with a sabotage only a test
/// uses, on one connection, done and seen done before its client sends, so that the run fails
/// every time. 'kill': a child is killed by an outsider that records nothing, so a connection
/// is cut by no kill of the soak's. 'stop': a child of the quiet phase is stopped, a hang that
/// the kills of the old soak would have hidden.
/// </summary>
[TestFixture]
public class StressTests
{
    [TestCase("kill", @"\d+ connections cut by no kill of ours")]
    [TestCase("stop", @"\d+ connections hung \(no whole echo within 2 s\)")]
    public void TheSoakFailsOnWhatItMustSee(string sabotage, string failure)
    {
        var r = Run.Command(Path.Combine(AppContext.BaseDirectory, "unp-stress"),
            ["--server", Repo.Program("echosrv"), "--connections", "1000", "--quiet-connections", "50",
             "--clients", "8", "--io-timeout", "2", "--sabotage", sabotage], timeoutMs: 240_000);
        string verdict = r.StdOut.Split('\n').SingleOrDefault(l => l.StartsWith("RESULT: ")) ?? "";
        Assert.That(r.ExitCode, Is.EqualTo(1), r.StdOut + r.StdErr);
        Assert.That(verdict, Does.Match("^RESULT: FAIL: .*" + failure), r.StdOut);
        if (sabotage == "stop")
            Assert.That(verdict, Does.Not.Contain("cut by no kill"), "every cut of the kill phase is the soak's own: " + r.StdOut);
    }
}
