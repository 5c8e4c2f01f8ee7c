using UnpServers.Tests.Support;

namespace UnpServers.Tests;

/// <summary>The Makefile and the scripts behind it, as a student meets them on a shared lab machine.</summary>
[TestFixture]
public class MakeTests
{
    private static readonly string[] LabNames = LabTests.Labs().ToArray();

    private static Run.Result Make(params string[] args)
        => Run.Command("make", ["--no-print-directory", "-C", Repo.Root, .. args], timeoutMs: 30000);

    private static Run.Result Script(string name, string[] args, Dictionary<string, string>? env = null)
    {
        string line = string.Join(' ', (env ?? []).Select(kv => $"{kv.Key}='{kv.Value}'"))
                    + $" '{Path.Combine(Repo.Root, "scripts", name)}' " + string.Join(' ', args.Select(a => $"'{a}'"));
        return Run.Shell(line);
    }

    [Test]
    public void HelpListsTheTargetsAndEveryLab()
    {
        var r = Make("help");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.StdErr);
        foreach (string target in new[] { "make test", "make labs", "make demo", "make install", "make stress", "make bench", "make forkcost" })
            Assert.That(r.StdOut, Does.Contain(target));
        foreach (string lab in LabNames)
            Assert.That(r.StdOut, Does.Match($@"make lab-{lab} +UNP \d"), $"make help does not list lab {lab}");
    }

    [Test]
    public void AnUnknownLabListsTheLabs()
    {
        var r = Make("lab-NOSUCH");
        Assert.That(r.ExitCode, Is.Not.EqualTo(0));
        Assert.That(r.StdOut, Does.Contain("there is no lab 'NOSUCH'"));
        Assert.That(r.StdOut + r.StdErr, Does.Not.Contain("No such file"));
        foreach (string lab in LabNames) Assert.That(r.StdOut, Does.Contain($"make lab-{lab} "));
        Assert.That(Make("lab-lib").StdOut, Does.Contain("there is no lab 'lib'"), "labs/lib.sh is not a lab");
    }

    [Test]
    public void MakeRebuildsOnlyWhenASourceChanged()
    {
        // make test built bin/ just before the tests: nothing to do now (make -q: exit 0 if up to date).
        var r = Make("-q", "build");
        Assert.That(r.ExitCode, Is.EqualTo(0), "make would publish the programs again though no source changed");
        // -W: as if the file were new, without touching it.
        r = Make("-n", "-W", "lib/Child/Io.cs", "build");
        Assert.That(r.StdOut, Does.Contain("dotnet publish"), "a changed library source must rebuild the programs");
        r = Make("-n", "-W", "tests/UnpServers.Tests/MakeTests.cs", "build");
        Assert.That(r.StdOut, Does.Not.Contain("dotnet publish"), "a test source is not a source of the programs");
    }

    [Test]
    public void LabsRunInTheBooksOrderStartupFirst()
    {
        var r = Script("labs.sh", ["list"]);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.StdErr);
        var order = r.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(order, Is.EquivalentTo(LabNames));
        Assert.That(order[0], Is.EqualTo("startup"));
        var sections = order.Skip(1).Select(l => new Version(Unp(l))).ToArray();
        Assert.That(sections, Is.Ordered, string.Join(", ", order));
    }

    [Test]
    public void EveryLabNamesItsSectionAndItsNeeds()
    {
        foreach (string lab in LabNames)
        {
            Assert.That(Unp(lab), Does.Match(@"^\d+\.\d+"), $"labs/{lab}.sh has no '# unp: N.N' header line");
            foreach (string line in Header(lab).Where(l => l.StartsWith("# needs:")))
                foreach (string need in line["# needs:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    Assert.That(need, Does.Match("^[a-z0-9._+-]+:[a-z0-9.+-]+$"), $"labs/{lab}.sh: '{need}' is not cmd:package");
        }
    }

    [Test]
    public void MakeLabsReportsSkippedLabsAsSkipped()
    {
        string dir = Directory.CreateTempSubdirectory("unp-labs.").FullName;
        try
        {
            void Lab(string name, string unp, int exit)
                => File.WriteAllText(Path.Combine(dir, name + ".sh"), $"#!/usr/bin/env bash\n# a lab\n# unp: {unp}\nexit {exit}\n");
            Lab("startup", "5.6", 0);
            Lab("early", "4.5", 0);
            Lab("needs-root", "5.14", 77);
            var env = new Dictionary<string, string> { ["LAB_DIR"] = dir };
            var r = Script("labs.sh", ["run"], env);
            Assert.That(r.ExitCode, Is.EqualTo(0), r.StdOut);
            Assert.That(r.StdOut, Does.Contain("labs: 2 passed, 0 failed, 1 skipped (skipped: needs-root)"));
            Assert.That(r.StdOut.IndexOf("lab startup"), Is.LessThan(r.StdOut.IndexOf("lab early")), "startup comes first");
            Lab("broken", "5.7", 1);
            r = Script("labs.sh", ["run"], env);
            Assert.That(r.ExitCode, Is.EqualTo(1), r.StdOut);
            Assert.That(r.StdOut, Does.Contain("labs: 2 passed, 1 failed, 1 skipped (skipped: needs-root) (failed: broken)"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void WithoutRootAMissingToolIsOneClearLine()
    {
        // As nobody, with no sudo to use: need.sh must not try to install, and must say what to install.
        Assert.That(UnpServers.Unp.Privileges.Getpwnam("nobody", out uint uid, out uint gid), Is.True);
        string copy = Directory.CreateTempSubdirectory("unp-need.").FullName;
        try
        {
            string script = Path.Combine(copy, "need.sh");
            File.Copy(Path.Combine(Repo.Root, "scripts", "need.sh"), script);
            var readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                         | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
            File.SetUnixFileMode(copy, readable);
            File.SetUnixFileMode(script, readable);
            var r = Run.Command("setpriv", [$"--reuid={uid}", $"--regid={gid}", "--clear-groups", "env", "PATH=/usr/bin:/bin",
                                            script, "make lab-x", "bash:bash", "unp-no-such-tool:unp-no-such-package"]);
            Assert.That(r.ExitCode, Is.EqualTo(1), r.StdOut + r.StdErr);
            Assert.That(r.StdOut, Is.Empty);
            Assert.That(r.StdErr, Is.EqualTo("make lab-x needs unp-no-such-tool (Debian/Ubuntu: sudo apt-get install unp-no-such-package); "
                                             + "ask whoever runs this machine to install them\n"));
            r = Run.Command(script, ["make lab-x", "bash:bash", "ss:iproute2"]);
            Assert.That((r.ExitCode, r.StdOut, r.StdErr), Is.EqualTo((0, "", "")), "nothing to say when nothing is missing");
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Test]
    public void EscapeCodesOnlyOnATerminalAndNotWithNoColor()
    {
        // script(1) gives the lab library a pty as its stdout, as in a student's terminal.
        string lib = Path.Combine(Repo.Root, "labs", "lib.sh");
        string Say(string env) => Run.Command("script", ["-qec",
            $"env {env} BIN='{Path.Combine(Repo.Root, "bin")}' bash -c 'source \"{lib}\"; say heading'", "/dev/null"]).StdOut;
        Assert.That(Say("TERM=xterm"), Does.Contain("\u001b[1m== heading"));
        Assert.That(Say("TERM=xterm NO_COLOR=1"), Does.Not.Contain("\u001b"));
        Assert.That(Say("TERM=dumb"), Does.Not.Contain("\u001b"));
        var piped = Run.Shell($"BIN='{Path.Combine(Repo.Root, "bin")}' TERM=xterm bash -c 'source \"{lib}\"; say heading' | cat");
        Assert.That(piped.StdOut, Is.EqualTo("\n== heading\n"));
    }

    [Test]
    public void TheTranscriptCheckerFindsWhatAStudentCouldNotPaste()
    {
        string bad = "$ ss -tan ( sport = :1 )\n\u001b[1m== x\u001b[0m\n   Now type a line.\n   1 of the 5 children were reaped\n$ echo fine  # comment\n";
        var r = Run.Command(Path.Combine(Repo.Root, "scripts", "check-transcript.sh"), [], bad);
        Assert.That(r.ExitCode, Is.EqualTo(1));
        foreach (string line in new[] { "line 1: not valid shell", "line 2: a terminal escape code",
                                        "line 3: asks the reader to type", "line 4: a number that does not agree" })
            Assert.That(r.StdOut, Does.Contain(line));
        Assert.That(r.StdOut, Does.Not.Contain("line 5"));
        Assert.That(r.StdOut, Does.Contain("4 problems in 5 lines"));
    }

    private static IEnumerable<string> Header(string lab) => File.ReadLines(Path.Combine(Repo.Root, "labs", lab + ".sh")).Take(15);

    private static string Unp(string lab)
    {
        string? line = Header(lab).FirstOrDefault(l => l.StartsWith("# unp:"));
        if (line == null) return "";
        var m = System.Text.RegularExpressions.Regex.Match(line, @"\d+\.\d+");
        return m.Success ? m.Value : "";
    }
}
