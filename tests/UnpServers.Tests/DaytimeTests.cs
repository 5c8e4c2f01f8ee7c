using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using UnpServers.Interop;
using UnpServers.Tests.Support;

namespace UnpServers.Tests;

/// <summary>daytimesrv and daytimecli: UNP 1.2, 1.5, 4.8, and the privileged port.</summary>
[TestFixture]
public partial class DaytimeTests
{
    [GeneratedRegex(@"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ 123]\d \d\d:\d\d:\d\d \d{4}\r\n$")]
    private static partial Regex CtimeLine();

    private static void AssertIsNow(string reply)
    {
        Assert.That(reply, Does.Match(CtimeLine()), "ctime format with CRLF");
        string text = Regex.Replace(reply.TrimEnd(), " +", " ");
        var when = DateTime.ParseExact(text, "ddd MMM d HH:mm:ss yyyy", CultureInfo.InvariantCulture);
        Assert.That(Math.Abs((when - DateTime.Now).TotalSeconds), Is.LessThan(2.0), $"{reply.TrimEnd()} vs {DateTime.Now}");
    }

    /// <summary>What nc would show: the raw bytes up to the server's FIN.</summary>
    private static string RawReply(int port)
    {
        using var s = EchoClient.Connect(port);
        return Encoding.ASCII.GetString(EchoClient.ReadToEnd(s));
    }

    [TestCase("iterative")]
    [TestCase("fork")]
    [TestCase("exec")]
    public void TheReplyIsCtimeWithCrlfAndNow(string mode)
    {
        string[] args = mode switch { "fork" => ["--fork"], "exec" => ["--fork", "--exec"], _ => [] };
        using var server = ServerProcess.Start("daytimesrv", args);
        AssertIsNow(RawReply(server.Port));
        var r = Run.Program("daytimecli", ["127.0.0.1", "--port", server.Port.ToString()]);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.StdErr);
        AssertIsNow(r.StdOut);
        server.WaitForLog(new(@"^connection from 127\.0\.0\.1, port \d+$"), 5000);
        if (mode != "iterative") server.WaitForLog(new(@"^child \d+ terminated, exit status 0$"), 5000);
        else Assert.That(server.Log, Does.Not.Contain("child"), "the iterative server forks nothing");
    }

    /// <summary>
    /// The child formats the local time itself, from the offset the parent read (lib/Child/Clock.cs):
    /// POSIX TZ strings with odd offsets, east and west of UTC, give what `date` gives.
    /// </summary>
    [TestCase("UNP-5:45", 5 * 60 + 45)]
    [TestCase("UNP+9:30", -(9 * 60 + 30))]
    public void TheReplyIsTheLocalTimeOfTheServersZone(string tz, int eastMinutes)
    {
        using var server = ServerProcess.Start("daytimesrv", ["--fork"], new Dictionary<string, string> { ["TZ"] = tz });
        string reply = RawReply(server.Port);
        Assert.That(reply, Does.Match(CtimeLine()), "ctime format with CRLF");
        var when = DateTime.ParseExact(Regex.Replace(reply.TrimEnd(), " +", " "), "ddd MMM d HH:mm:ss yyyy", CultureInfo.InvariantCulture);
        DateTime expected = DateTime.UtcNow.AddMinutes(eastMinutes);
        Assert.That(Math.Abs((when - expected).TotalSeconds), Is.LessThan(2.0), $"{reply.TrimEnd()} vs {expected:ddd MMM d HH:mm:ss yyyy} in {tz}");
    }

    [Test]
    public void DaytimecliReadsUntilEofWhateverThePieces()
    {
        // UNP exercise 1.5: a server that writes its reply one byte per write.
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        int port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        const string line = "Sat Nov 21 18:09:00 2026\r\n";
        var server = Task.Run(() =>
        {
            using var c = listener.Accept();
            c.NoDelay = true;
            foreach (byte b in Encoding.ASCII.GetBytes(line))
            {
                c.Send([b]);
                Thread.Sleep(5);
            }
        });
        var r = Run.Program("daytimecli", ["127.0.0.1", "--port", port.ToString(), "--count"]);
        Assert.That(server.Wait(10000), Is.True);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.StdErr);
        var m = Regex.Match(r.StdOut, @"^(?<reply>.*\r\n)counter = (?<n>\d+)\n$", RegexOptions.Singleline);
        Assert.That(m.Success, Is.True, r.StdOut);
        Assert.That(m.Groups["reply"].Value, Is.EqualTo(line));
        Assert.That(int.Parse(m.Groups["n"].Value), Is.GreaterThan(1));
    }

    [Test]
    public void Port13WithoutRootIsAClearErrorThatSuggestsPort()
    {
        var r = LibC.geteuid() == 0
            ? RunAs("nobody", "daytimesrv")             // as root: the same start, after dropping to a user
            : Run.Program("daytimesrv", []);
        Assert.That(r.ExitCode, Is.Not.EqualTo(0));
        Assert.That(r.StdErr.Trim(), Is.EqualTo(
            "bind error: Permission denied (EACCES): port 13 is below 1024 and needs root; use --port 1313 (or run as root with --user NAME)"));
    }

    [Test]
    public void UserDropsPrivilegesAfterBinding()
    {
        if (LibC.geteuid() != 0) Assert.Ignore("--user needs root to drop from; these tests run as a user");
        Assert.That(Unp.Privileges.Getpwnam("nobody", out uint uid, out uint gid), Is.True);
        using var server = ServerProcess.Start("daytimesrv", ["--fork", "--user", "nobody"]);
        var status = File.ReadAllLines($"/proc/{server.Pid}/status");
        Assert.That(status.First(l => l.StartsWith("Uid:")).Split('\t')[1..], Is.All.EqualTo(uid.ToString()), "real, effective, saved and fs uid");
        Assert.That(status.First(l => l.StartsWith("Gid:")).Split('\t')[1..], Is.All.EqualTo(gid.ToString()));
        AssertIsNow(RawReply(server.Port));
    }

    [Test]
    public void BadArgumentsExit64()
    {
        var r = Run.Program("daytimesrv", ["--exec"]);
        Assert.That(r.ExitCode, Is.EqualTo(64));
        Assert.That(r.StdErr.Split('\n')[0], Is.EqualTo("daytimesrv: --exec does not apply to daytimesrv without --fork: it is a variant of --fork (UNP 4.7)"));
        r = Run.Program("daytimecli", []);
        Assert.That(r.ExitCode, Is.EqualTo(64));
        Assert.That(r.StdErr.Split('\n')[0], Is.EqualTo("daytimecli: missing HOST"));
    }

    /// <summary>Without --fork there are no children: what counts or collects them means nothing, even at its default.</summary>
    [TestCase("--reap waitpid", "--reap does not apply to daytimesrv without --fork: it has no children")]
    [TestCase("--max-children 256", "--max-children does not apply to daytimesrv without --fork: it serves one client at a time")]
    public void ChildOptionsNeedFork(string args, string reason)
    {
        var r = Run.Program("daytimesrv", [.. args.Split(' '), "--port", "0"]);
        Assert.That(r.ExitCode, Is.EqualTo(64), r.StdErr);
        Assert.That(r.StdErr.Split('\n')[0], Is.EqualTo("daytimesrv: " + reason));
        Assert.That(r.StdErr, Does.Contain("usage: daytimesrv"));
    }

    private static Run.Result RunAs(string user, string program)
    {
        // setpriv (util-linux) runs the program with another uid and gid, as that user would start it.
        // The checkout may sit where that user cannot enter (/root), so it runs a world-readable copy of bin/.
        Assert.That(Unp.Privileges.Getpwnam(user, out uint uid, out uint gid), Is.True);
        string copy = Directory.CreateTempSubdirectory("unp-bin-").FullName;
        try
        {
            foreach (string f in Directory.GetFiles(Path.GetDirectoryName(Repo.Program(program))!))
                File.Copy(f, Path.Combine(copy, Path.GetFileName(f)));
            var readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                         | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
            File.SetUnixFileMode(copy, readable);
            foreach (string f in Directory.GetFiles(copy)) File.SetUnixFileMode(f, readable);
            return Run.Command("setpriv", [$"--reuid={uid}", $"--regid={gid}", "--clear-groups", Path.Combine(copy, program)]);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }
}
