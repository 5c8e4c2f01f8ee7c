namespace UnpServers.Tests;

/// <summary>
/// The project's commit rule, kept true from here on (issue 24): a subject of one line of at
/// most 72 characters, and a blank line between it and any body (the why).
/// </summary>
[TestFixture]
public class CommitMessageTests
{
    /// <summary>Where the rule starts to be checked: a commit every clone holds.</summary>
    private const string Base = "d06ba52";

    /// <summary>Subjects over 72 characters that came before this test did; history is not rewritten.</summary>
    private static readonly string[] Before = ["a3efdf9", "b60d6ba", "91fc126", "7cf327b", "ae1cb88", "41c5e7a", "90a05cf", "0afdb78"];

    private const int MaxSubject = 72;

    [Test]
    public void EverySubjectIsOneShortLineWithABlankLineBeforeTheBody()
    {
        if (!Directory.Exists(Path.Combine(Repo.Root, ".git")) && !File.Exists(Path.Combine(Repo.Root, ".git")))
            Assert.Ignore("not a git checkout: no history to check");
        if (Git("cat-file", "-e", Base + "^{commit}").ExitCode != 0)
            Assert.Ignore($"commit {Base} is not in this clone (a shallow one?): no history to check");
        var log = Git("log", "--format=%h%x1f%B%x1e", Base + "..HEAD");
        Assert.That(log.ExitCode, Is.EqualTo(0), log.StdErr);

        var bad = new List<string>();
        foreach (string entry in log.StdOut.Split('\x1e', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            string[] parts = entry.Split('\x1f');
            string hash = parts[0];
            string[] lines = parts[1].TrimEnd('\n').Split('\n');
            if (lines[0].Length > MaxSubject && !Before.Any(hash.StartsWith))
                bad.Add($"{hash}: subject of {lines[0].Length} characters (at most {MaxSubject}): {lines[0]}");
            if (lines.Length > 1 && lines[1].Trim().Length > 0)
                bad.Add($"{hash}: no blank line between the subject and the body: {lines[0]}");
        }
        Assert.That(bad, Is.Empty, "commits since " + Base);
    }

    private static Run.Result Git(params string[] args) => Run.Command("git", ["-C", Repo.Root, .. args], timeoutMs: 30000);
}
