using UnpServers.Tests.Support;

namespace UnpServers.Tests;

/// <summary>Each lab in labs/ checks itself; make test runs them all, each as one test, as a student
/// of a class would (issue 21): not root (nobody, when the tests run as root), with unp-lab from
/// the class's read-only install, a HOME and a TMPDIR of the student's own. Every lab must pass,
/// none skipped, and leave nothing in HOME or TMPDIR. Its output, stderr included, must also be a
/// transcript a student can paste from: scripts/check-transcript.sh checks every "$ " line is
/// valid shell, the output has no escape codes (it is not a terminal here), the rules of issue
/// 21's item 6, and that every program the lab started (logged by wrappers put in its BIN) was printed.</summary>
[TestFixture]
public class LabTests
{
    /// <summary>A lab that cannot run here (e.g. no namespaces for its two hosts) exits 77.</summary>
    private const int Skipped = 77;

    public static IEnumerable<string> Labs()
        => Directory.GetFiles(Path.Combine(Repo.Root, "labs"), "*.sh")
                    .Select(Path.GetFileNameWithoutExtension)
                    .Where(n => n != "lib")
                    .Order()!;

    /// <summary>A BIN for the lab whose programs log each command line they are started with to
    /// the returned file, then exec the installed one.</summary>
    public static (string Bin, string Started) Wrappers(Student student)
    {
        string bin = Path.Combine(student.Dir, "bin"), started = Path.Combine(student.WritableDir("log"), "started");
        var wrap = Run.Command(Path.Combine(Repo.Root, "scripts", "check-transcript.sh"), ["--wrap", InstalledCopy.Bin, bin, started]);
        Assert.That(wrap.ExitCode, Is.EqualTo(0), wrap.StdOut + wrap.StdErr);
        File.SetUnixFileMode(bin, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(started, (UnixFileMode)0b110_110_110);
        return (bin, started);
    }

    [TestCaseSource(nameof(Labs))]
    public void LabPassesForAStudent(string lab)
    {
        using var student = new Student();
        if (!student.HasNamespaces()) Assert.Ignore("this kernel gives users no user namespace: the labs run without their captures and hosts");
        var (bin, started) = Wrappers(student);

        var r = student.Run(InstalledCopy.UnpLab, [lab], new Dictionary<string, string> { ["UNP_LAB_BIN"] = bin }, timeoutMs: 180_000);
        TestContext.Out.WriteLine(r.Output);
        Assert.That(r.ExitCode, Is.Not.EqualTo(Skipped), $"lab {lab} skipped itself:\n{r.Output}");
        Assert.That(r.ExitCode, Is.EqualTo(0), $"lab {lab} failed:\n{r.Output}");
        Assert.That(student.LeftBehind(), Is.Empty, "written outside the lab's temporary directory, or that directory left behind");
        Assert.That(student.Processes(), Is.Empty, "left running");

        var check = Run.Command(Path.Combine(Repo.Root, "scripts", "check-transcript.sh"), ["--commands", started], r.Output, timeoutMs: 60000);
        Assert.That(check.ExitCode, Is.EqualTo(0), $"lab {lab}'s transcript:\n{check.StdOut}{check.StdErr}");
    }
}
