using System.Diagnostics;
using UnpServers.Tests.Support;

namespace UnpServers.Tests;

/// <summary>Each lab in labs/ checks itself; make test runs them all, each as one test. Its output
/// must also be a transcript a student can paste from: scripts/check-transcript.sh checks every
/// "$ " line is valid shell, that the output has no escape codes (stdout is not a terminal here),
/// and that every program the lab started (logged by wrappers put in its BIN) was printed.</summary>
[TestFixture]
public class LabTests
{
    /// <summary>A lab that cannot run here (e.g. it needs root for its namespaces) exits 77.</summary>
    private const int Skipped = 77;

    public static IEnumerable<string> Labs()
        => Directory.GetFiles(Path.Combine(Repo.Root, "labs"), "*.sh")
                    .Select(Path.GetFileNameWithoutExtension)
                    .Where(n => n != "lib")
                    .Order()!;

    [TestCaseSource(nameof(Labs))]
    public void LabPasses(string lab)
    {
        string wrapped = Directory.CreateTempSubdirectory("unp-labtest.").FullName;
        try
        {
            string bin = Path.Combine(wrapped, "bin"), started = Path.Combine(wrapped, "started");
            var wrap = Run.Command(Path.Combine(Repo.Root, "scripts", "check-transcript.sh"),
                                   ["--wrap", Path.Combine(Repo.Root, "bin"), bin, started]);
            Assert.That(wrap.ExitCode, Is.EqualTo(0), wrap.StdOut + wrap.StdErr);

            var (code, stdout, stderr) = RunLab(lab, bin);
            TestContext.Out.WriteLine(stdout);
            if (code == Skipped) Assert.Ignore($"lab {lab} skipped itself (exit 77):\n{stdout}\n{stderr}");
            Assert.That(code, Is.EqualTo(0), $"lab {lab} failed:\n{stdout}\n{stderr}");

            var check = Run.Command(Path.Combine(Repo.Root, "scripts", "check-transcript.sh"), ["--commands", started], stdout, timeoutMs: 60000);
            Assert.That(check.ExitCode, Is.EqualTo(0), $"lab {lab}'s transcript:\n{check.StdOut}{check.StdErr}");
        }
        finally
        {
            Directory.Delete(wrapped, recursive: true);
        }
    }

    private static (int Code, string StdOut, string StdErr) RunLab(string lab, string bin)
    {
        var psi = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(Repo.Root, "labs", lab + ".sh"));
        psi.Environment["BIN"] = bin;
        using var p = Process.Start(psi)!;
        using var handle = ProcessHandle.OfOwnChild(p.Id);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(180_000))
        {
            handle?.Signal(Interop.LibC.SIGTERM); // the lab's EXIT trap stops what it started
            if (!p.WaitForExit(15_000)) p.Kill(entireProcessTree: true);
            p.WaitForExit(5000);
            Assert.Fail($"lab {lab} did not finish within 3 minutes\n{stdout.Result}\n{stderr.Result}");
        }
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
