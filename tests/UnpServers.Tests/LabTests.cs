using System.Diagnostics;
using UnpServers.Tests.Support;

namespace UnpServers.Tests;

/// <summary>Each lab in labs/ checks itself; make test runs them all, each as one test.</summary>
[TestFixture]
public class LabTests
{
    public static IEnumerable<string> Labs()
        => Directory.GetFiles(Path.Combine(Repo.Root, "labs"), "*.sh")
                    .Select(Path.GetFileNameWithoutExtension)
                    .Where(n => n != "lib")
                    .Order()!;

    [TestCaseSource(nameof(Labs))]
    public void LabPasses(string lab)
    {
        var psi = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(Repo.Root, "labs", lab + ".sh"));
        psi.Environment["BIN"] = Path.Combine(Repo.Root, "bin");
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
        TestContext.Out.WriteLine(stdout.Result);
        Assert.That(p.ExitCode, Is.EqualTo(0), $"lab {lab} failed:\n{stdout.Result}\n{stderr.Result}");
    }
}
