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
        Assert.That(Unp.Privileges.Getpwnam("nobody", out uint uid, out uint gid), Is.True);
        // --exec: nobody runs the program again, so it runs from a copy nobody can reach (the
        // checkout may be closed to others: ExecAsAUserWhoCannotRunTheProgramFailsAtStart).
        string program = mode == "exec" ? WorldReadableBin.Program("echosrv") : "echosrv";
        // No --log: an exec'd child reopening a root-owned log as nobody is issue 9 item 5, not this test's.
        using var server = ServerProcess.Start(program, ["--user", "nobody", .. Modes.Args(mode)], logToStdout: true);
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

    [Test]
    public void ExecAsAUserWhoCannotRunTheProgramFailsAtStart()
    {
        if (LibC.geteuid() != 0) Assert.Ignore("--user needs root to drop from");
        // A copy of bin/ in a directory only root may enter (mode 0700, as mktemp -d makes it).
        string closed = Directory.CreateTempSubdirectory("unp-closed-").FullName;
        try
        {
            File.SetUnixFileMode(closed, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var copy = Run.Command("cp", ["-a", Path.GetDirectoryName(Repo.Program("echosrv"))!, closed]);
            Assert.That(copy.ExitCode, Is.EqualTo(0), copy.StdErr);
            string program = Path.Combine(closed, "bin", "echosrv");
            var r = Run.Command(program, ["--exec", "--user", "nobody", "--port", "0"]);
            Assert.That(r.ExitCode, Is.EqualTo(1), "refused at start, not at each connection's execve()");
            Assert.That(r.StdErr, Does.Contain($"--exec: user nobody cannot run {program}: Permission denied (EACCES)"));
        }
        finally
        {
            Directory.Delete(closed, recursive: true);
        }
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
        Assert.That(r.StdErr.Split('\n')[0], Is.EqualTo("echosrv: --user does not apply to --inetd, which serves the one connection on stdin/stdout"));
    }

    /// <summary>initgroups() is the first call that needs root; its EPERM says so.</summary>
    [TestCase("echosrv")]
    [TestCase("daytimesrv")]
    public void UserWithoutRootSaysItNeedsRoot(string program)
    {
        // As root, the server runs as nobody (setpriv), from a copy of bin/ nobody can reach.
        Run.Result r = LibC.geteuid() == 0
            ? Run.Command("setpriv", ["--reuid", "nobody", "--regid", "nogroup", "--clear-groups", WorldReadableBin.Program(program), "--user", "nobody", "--port", "0"])
            : Run.Program(program, ["--user", "nobody", "--port", "0"]);
        Assert.That(r.ExitCode, Is.EqualTo(1), r.StdErr);
        Assert.That(r.StdErr.Trim(), Is.EqualTo("initgroups error: Operation not permitted (EPERM): --user needs root (the server drops from root to nobody); run it as root, or without --user"));
    }

    /// <summary>
    /// A user or host name is bytes: --user $'\xffu' and --bind $'\xffhost' look up those bytes,
    /// not U+FFFD (as --log opens its file). The names exist only in a private mount namespace,
    /// where /etc/passwd and /etc/hosts are copies with one more line each.
    /// </summary>
    [Test]
    public void UserAndBindThatAreNotUtf8AreLookedUpAsTyped()
    {
        if (LibC.geteuid() != 0) Assert.Ignore("--user needs root to drop from, and the bind mounts need root");
        Assert.That(Unp.Privileges.Getpwnam("nobody", out uint uid, out _), Is.True);
        string dir = Directory.CreateTempSubdirectory("unp-names-").FullName;
        try
        {
            File.WriteAllBytes(Path.Combine(dir, "hosts"), [.. File.ReadAllBytes("/etc/hosts"), .. "\n127.0.0.1 "u8, 0xff, .. "host\n"u8]);
            File.WriteAllBytes(Path.Combine(dir, "passwd"), [.. File.ReadAllBytes("/etc/passwd"), 0xff, .. System.Text.Encoding.ASCII.GetBytes($"u:x:{uid}:{uid}::/nonexistent:/usr/sbin/nologin\n")]);
            string script = $$"""
                mount --bind {{dir}}/hosts /etc/hosts && mount --bind {{dir}}/passwd /etc/passwd || exit 2
                {{Repo.Program("echosrv")}} --port 0 --bind $'\xffhost' --user $'\xffu' --log {{dir}}/log & pid=$!
                for i in $(seq 100); do grep -q '^listening on' {{dir}}/log 2>/dev/null && break; sleep 0.1; done
                grep '^Uid:' /proc/$pid/status
                kill $pid; wait $pid
                """;
            var r = Run.Command("unshare", ["-m", "bash", "-c", script]);
            string logPath = Path.Combine(dir, "log");
            string log = File.Exists(logPath) ? File.ReadAllText(logPath) : "";
            Assert.That(log, Does.Match(@"(?m)^listening on 127\.0\.0\.1, port \d+"), $"the name in /etc/hosts was looked up\n{log}{r.StdErr}");
            Assert.That(r.StdOut, Does.StartWith($"Uid:\t{uid}\t{uid}\t{uid}\t{uid}"), "the name in /etc/passwd was looked up");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
