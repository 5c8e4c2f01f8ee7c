using System.Diagnostics;

namespace UnpServers.Tests.Support;

/// <summary>Runs a program from bin/ to completion, with a deadline.</summary>
public static class Run
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr);

    /// <summary>A line of a .NET stack trace ("   at Ns.Type.Method("), which no output may show; not "   at once" in a wrapped help text.</summary>
    public const string StackTraceLine = @"(?m)^\s+at [\w.`+<>]+\(";

    public static Result Program(string program, IEnumerable<string> args, string? stdin = null, int timeoutMs = 15000)
        => Command(Repo.Program(program), args, stdin, timeoutMs);

    /// <summary>A command line run by bash, for the system's own tools (ss, ps).</summary>
    public static Result Shell(string commandLine, int timeoutMs = 15000) => Command("bash", ["-c", commandLine], null, timeoutMs);

    /// <summary>Any program by path (or by name, from PATH).</summary>
    public static Result Command(string path, IEnumerable<string> args, string? stdin = null, int timeoutMs = 15000)
    {
        string program = Path.GetFileName(path);
        var psi = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin != null,
            UseShellExecute = false,
        };
        foreach (string a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (stdin != null)
        {
            p.StandardInput.Write(stdin);
            p.StandardInput.Close();
        }
        if (!p.WaitForExit(timeoutMs))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit(5000);
            Assert.Fail($"{program} {string.Join(' ', args)} did not exit within {timeoutMs} ms");
        }
        p.WaitForExit();
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }
}
