using UnpServers.Interop;
using UnpServers.Tests.Support;

namespace UnpServers.Tests;

/// <summary>--user on every server: the children serve as that user; without it, root is warned.</summary>
[TestFixture]
public class UserTests
{
    private const string RootWarning = "warning: serving clients as root; --user NAME drops to NAME after binding";

    private static string[] Ids(int pid, string field)
        => File.ReadAllLines($"/proc/{pid}/status").First(l => l.StartsWith(field + ":")).Split('\t')[1..];

    [TestCase("fork")]
    [TestCase("exec")]
    public void EchosrvChildrenServeAsTheUser(string mode)
    {
        if (LibC.geteuid() != 0) Assert.Ignore("--user needs root to drop from");
        Assert.That(LibC.getpwnam("nobody", out uint uid, out uint gid), Is.True);
        // No --log: an exec'd child reopening a root-owned log as nobody is issue 9 item 5, not this test's.
        using var server = ServerProcess.Start("echosrv", ["--user", "nobody", .. Modes.Args(mode)], logToStdout: true);
        using var s = EchoClient.Connect(server.Port);
        Assert.That(EchoClient.Line(s, "as nobody"), Is.EqualTo("as nobody\n"));
        int child = server.Children().Single();
        foreach (int pid in (int[])[server.Pid, child])
        {
            Assert.That(Ids(pid, "Uid"), Is.All.EqualTo(uid.ToString()), $"pid {pid}: real, effective, saved and fs uid");
            Assert.That(Ids(pid, "Gid"), Is.All.EqualTo(gid.ToString()), $"pid {pid}");
        }
        Assert.That(server.Log, Does.Not.Contain("warning"));
    }

    [TestCase("echosrv")]
    [TestCase("echosrv", "--exec")]
    [TestCase("daytimesrv")]
    [TestCase("daytimesrv", "--fork")]
    public void AsRootWithoutUserTheServerWarnsOnce(string program, params string[] args)
    {
        if (LibC.geteuid() != 0) Assert.Ignore("the warning is for root");
        using var server = ServerProcess.Start(program, args);
        Assert.That(server.CountLog(new("^" + System.Text.RegularExpressions.Regex.Escape(RootWarning) + "$")), Is.EqualTo(1), server.Log);
    }

    [Test]
    public void UserWithInetdIsAUsageError()
    {
        var r = Run.Program("echosrv", ["--inetd", "--user", "nobody"]);
        Assert.That(r.ExitCode, Is.EqualTo(64));
        Assert.That(r.StdErr.Split('\n')[0], Does.StartWith("echosrv: --inetd serves stdin/stdout: --user does not apply"));
    }
}
