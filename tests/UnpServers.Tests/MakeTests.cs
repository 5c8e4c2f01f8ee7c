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
        // Each lab with what it shows: its first description line, wherever its "# unp:" and "# needs:" lines are.
        foreach (string lab in LabNames)
            Assert.That(r.StdOut, Does.Match($@"make lab-{lab} +UNP [0-9.-]+ +[a-zA-Z(].{{30,}}\n"), $"make help does not describe lab {lab}");
        Assert.That(r.StdOut, Does.Contain("STEP=1 pauses before each step"));
        Assert.That(r.StdOut, Does.Contain("PREFIX=/opt/unp for a class"));
    }

    [Test]
    public void UnpLabListsTheLabsAndRefusesAnUnknownOne()
    {
        string unpLab = Path.Combine(Repo.Root, "scripts", "unp-lab");
        var list = Run.Command(unpLab, ["--list"]);
        Assert.That(list.ExitCode, Is.EqualTo(0), list.StdErr);
        Assert.That(list.StdOut, Is.EqualTo(Script("labs.sh", ["help", "unp-lab "]).StdOut), "the same list as make help");
        foreach (string bad in new[] { "lib", "../labs/startup" })
        {
            var r = Run.Command(unpLab, [bad]);
            Assert.That(r.ExitCode, Is.EqualTo(64), bad);
            Assert.That(r.StdErr, Does.StartWith($"unp-lab: there is no lab '{bad}'; the labs are:\n"));
            Assert.That(r.StdErr, Does.Contain("unp-lab startup "));
        }
        var none = Run.Command(unpLab, []);
        Assert.That((none.ExitCode, none.StdErr), Is.EqualTo((64, "unp-lab: name one lab\n" + Run.Command(unpLab, ["--help"]).StdOut)));
    }

    /// <summary>make install, as an instructor does it once for a class: everything a student runs is
    /// readable and runnable by everyone, the labs and their answers come along, no debug symbols.</summary>
    [Test]
    public void InstallGivesAClassEverythingItRuns()
    {
        string prefix = InstalledCopy.Prefix;
        foreach (string p in new[] { "echosrv", "echocli", "daytimesrv", "daytimecli", "unp-lab" })
        {
            string path = Path.Combine(prefix, "bin", p);
            Assert.That(File.Exists(path), Is.True, path);
            Assert.That(File.GetUnixFileMode(path) & UnixFileMode.OtherExecute, Is.Not.EqualTo(UnixFileMode.None), path);
        }
        foreach (string lab in LabNames)
            Assert.That(File.Exists(Path.Combine(prefix, "share", "unpservers", "labs", lab + ".sh")), Is.True, lab);
        foreach (string doc in new[] { "labs.md", "lab-answers.md" })
            Assert.That(File.Exists(Path.Combine(prefix, "share", "doc", "unpservers", doc)), Is.True, doc);
        var files = Directory.GetFiles(prefix, "*", SearchOption.AllDirectories);
        Assert.That(files.Where(f => f.EndsWith(".dbg") || f.EndsWith(".pdb")), Is.Empty, "debug symbols installed");
        Assert.That(files.Where(f => (File.GetUnixFileMode(f) & UnixFileMode.OtherRead) == 0), Is.Empty, "files others cannot read");
        // The installed unp-lab lists the installed labs, and an installed program runs.
        var list = Run.Command(Path.Combine(prefix, "bin", "unp-lab"), ["--list"]);
        Assert.That(list.StdOut, Does.Contain("unp-lab startup ").And.Contain("unp-lab keepalive "));
        var version = Run.Command(Path.Combine(prefix, "bin", "echosrv"), ["--version"]);
        Assert.That(version.ExitCode, Is.EqualTo(0), version.StdErr);
    }

    /// <summary>The build (Native AOT: one executable, its .dbg beside it, the programs hard links to it)
    /// installs as that executable and its links alone, in PREFIX/bin; uninstall removes everything it put there.</summary>
    [Test]
    public void InstallCopiesTheOneExecutableAndLinksEachProgramToIt()
    {
        string dir = Directory.CreateTempSubdirectory("unp-native.").FullName;
        try
        {
            string root = Path.Combine(dir, "prefix");
            var r = Run.Command(Path.Combine(Repo.Root, "scripts", "install.sh"), [Path.Combine(Repo.Root, "bin"), root]);
            Assert.That(r.ExitCode, Is.EqualTo(0), r.StdOut + r.StdErr);
            string exe = Path.Combine(root, "bin", "unpservers");
            Assert.That(new FileInfo(exe).LinkTarget, Is.Null, "the executable itself, not a link");
            Assert.That(File.GetUnixFileMode(exe), Is.EqualTo((UnixFileMode)0b111_101_101));
            foreach (string p in new[] { "echosrv", "echocli", "daytimesrv", "daytimecli", "unpwatch" })
                Assert.That(Run.Command("stat", ["-c", "%i", Path.Combine(root, "bin", p)]).StdOut,
                            Is.EqualTo(Run.Command("stat", ["-c", "%i", exe]).StdOut), $"{p} is a hard link to it");
            Assert.That(Run.Command(Path.Combine(root, "bin", "echocli"), ["--version"]).StdOut, Does.StartWith("echocli "));
            Assert.That(Directory.Exists(Path.Combine(root, "lib", "unpservers")), Is.False);
            Assert.That(Directory.GetFiles(root, "*.dbg", SearchOption.AllDirectories), Is.Empty);

            r = Run.Command(Path.Combine(Repo.Root, "scripts", "install.sh"), ["--uninstall", root]);
            Assert.That(r.ExitCode, Is.EqualTo(0), r.StdErr);
            Assert.That(Directory.GetFiles(root, "*", SearchOption.AllDirectories), Is.Empty);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Without PREFIX, a user installs into ~/.local (no root needed), root into /usr/local.</summary>
    [Test]
    public void InstallDefaultsToTheUsersOwnPrefix()
    {
        string expected = Interop.LibC.geteuid() == 0 ? "/usr/local" : "/tmp/unp-home/.local";
        var r = Run.Command("make", ["--no-print-directory", "-C", Repo.Root, "-n", "-o", "bin/.built", "install", "HOME=/tmp/unp-home"]);
        Assert.That(r.StdOut, Does.Contain($"scripts/install.sh bin \"{expected}\""), r.StdOut + r.StdErr);
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
        // UNP_LAB_NS=none: on the machine's network, in this shell (sourced from bash -c, the lab cannot run itself again).
        string Say(string env) => Run.Command("script", ["-qec",
            $"env {env} UNP_LAB_NS=none bash -c 'source \"{lib}\"; say heading'", "/dev/null"]).StdOut;
        Assert.That(Say("TERM=xterm"), Does.Contain("\u001b[1m== heading"));
        Assert.That(Say("TERM=xterm NO_COLOR=1"), Does.Not.Contain("\u001b"));
        Assert.That(Say("TERM=dumb"), Does.Not.Contain("\u001b"));
        var piped = Run.Shell($"UNP_LAB_NS=none TERM=xterm bash -c 'source \"{lib}\"; say heading' | cat");
        Assert.That(piped.StdOut, Is.EqualTo("   (on this machine's own network: UNP_LAB_NS=none)\n\n== heading\n"));
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

    /// <summary>Issue 21, rule 6: transcripts that paste.</summary>
    [Test]
    public void TheTranscriptCheckerFindsWhatWouldNotPasteOrIsNotTrue()
    {
        string[] transcript =
        [
            "$ echosrv --port 9877 --log server.log",                                   // 1: a server without its &
            "$ ip netns exec client echocli 10.0.0.2 --port 9877",                     // 2: (its redirections left out)
            "   [typed into c1] hello",                                                // 3: typed into what?
            "labs/host-reboot.sh: line 12:    41 Killed                  echosrv",       // 4: bash's job report
            "$ kill 4242",                                                             // 5: a pid never shown
            "$ ss -tan '( sport = :9877 )'",
            "State      Recv-Q Send-Q Local Address:Port Peer Address:Port",
            "FIN-WAIT-1 0      1      127.0.0.1:9877     127.0.0.1:40000",
            "   Notice: the server's end is in FIN_WAIT_2: its FIN was acknowledged.",   // 9: not what ss showed
            "$ ps -o pid,ppid,stat,comm --pid 10 --ppid 10",                           // 10: pid 10 never shown
            "     11      10 Z    echosrv",
            "   Notice: a child in state Z, <defunct>.",                               // 12: ps -o comm shows no <defunct>
            "$ echocli 127.0.0.1 --port 9877 < c2.in > c2.out 2> c2.err &",
            "   (pid 77)",
            "   [typed into c2] fine",
            "$ kill 77 11",
            "   Notice: the client's end is in CLOSE_WAIT; the other, FIN-WAIT-1.",      // 17: CLOSE_WAIT not shown above
        ];
        var r = Run.Command(Path.Combine(Repo.Root, "scripts", "check-transcript.sh"), [], string.Join('\n', transcript) + "\n");
        Assert.That(r.ExitCode, Is.EqualTo(1));
        foreach (string line in new[] { "line 1: starts a server without the \"&\"", "line 3: types into c1, whose command",
                                        "line 4: job-control noise", "line 5: uses pid 4242", "line 9: names FIN-WAIT-2",
                                        "line 10: uses pid 10", "line 12: names <defunct>", "line 17: names CLOSE-WAIT" })
            Assert.That(r.StdOut, Does.Contain(line));
        Assert.That(r.StdOut, Does.Contain("8 problems in 17 lines"), r.StdOut);
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
