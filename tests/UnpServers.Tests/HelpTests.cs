using System.Text.RegularExpressions;
using UnpServers.Tests.Support;

namespace UnpServers.Tests;

/// <summary>
/// --help as a person reads it (issue 21): a usage that names every option and wraps between
/// options, the options listed in the usage's order, defaults shown as one types them.
/// </summary>
[TestFixture]
public partial class HelpTests
{
    private const int Width = 80;

    private static readonly string[] Programs = ["echosrv", "echocli", "daytimesrv", "daytimecli"];

    private sealed record Help(string[] UsageLines, string Usage, List<string> Listed, string Text);

    /// <summary>The usage lines (from "usage:" to the blank line), the usage as one line, and the options listed, in order.</summary>
    private static Help Read(string program)
    {
        var r = Run.Program(program, ["--help"]);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.StdErr);
        string[] lines = r.StdOut.Split('\n');
        string[] usage = [.. lines.SkipWhile(l => !l.StartsWith("usage: ")).TakeWhile(l => l.Length > 0)];
        Assert.That(usage, Is.Not.Empty, r.StdOut);
        string joined = string.Join(' ', usage.Select(l => l.Trim()))["usage: ".Length..];
        var listed = lines.Select(l => Entry().Match(l)).Where(m => m.Success).Select(m => m.Groups["name"].Value).ToList();
        return new Help(usage, joined, listed, r.StdOut);
    }

    /// <summary>An entry of the list: "  -p, --port  ...", "  --reap  ...", "  HOST (pos. 0)  ...".</summary>
    [GeneratedRegex(@"^  (?:-\w, )?(?<name>--[\w-]+|[A-Z]+(?= \(pos))")]
    private static partial Regex Entry();

    /// <summary>Where the usage names an option first, by its long name or, for "-n, --connections", its short one; -1 if nowhere.</summary>
    private static int Position(Help help, string listed)
    {
        var names = new List<string> { listed };
        var shortName = Regex.Match(help.Text, $@"^  (-\w), {Regex.Escape(listed)}\b", RegexOptions.Multiline);
        if (shortName.Success) names.Add(shortName.Groups[1].Value);
        return names.Select(n => Regex.Match(help.Usage, $@"(?<![\w-]){Regex.Escape(n)}(?![\w-])")).Where(m => m.Success)
                    .Select(m => m.Index).DefaultIfEmpty(-1).Min();
    }

    [TestCaseSource(nameof(Programs))]
    public void TheUsageNamesEveryOptionAndTheListFollowsItsOrder(string program)
    {
        var help = Read(program);
        string[] options = [.. help.Listed.Where(o => o is not ("--help" or "--version"))];
        Assert.That(options, Is.Not.Empty);
        foreach (string o in options)
            Assert.That(Position(help, o), Is.GreaterThanOrEqualTo(0), $"{program}: the usage does not name {o}: {help.Usage}");
        foreach (Match m in Regex.Matches(help.Usage, @"(?<![\w-])--?[a-z][\w-]*"))
        {
            bool listedLong = help.Listed.Contains(m.Value);
            bool listedShort = Regex.IsMatch(help.Text, $@"^  {Regex.Escape(m.Value)}, --", RegexOptions.Multiline);
            Assert.That(listedLong || listedShort, Is.True, $"{program}: the usage names {m.Value}, the list does not");
        }
        int[] positions = [.. options.Select(o => Position(help, o))];
        Assert.That(positions, Is.Ordered, $"{program}: listed as {string.Join(' ', options)}, not in the usage's order: {help.Usage}");
        Assert.That(help.Listed.TakeLast(2), Is.EqualTo(new[] { "--help", "--version" }));
    }

    [TestCaseSource(nameof(Programs))]
    public void TheUsageWrapsBetweenOptionsNeverInsideOne(string program)
    {
        var help = Read(program);
        foreach (string line in help.Text.Split('\n'))
            Assert.That(line.Length, Is.LessThanOrEqualTo(Width), $"{program}: a line wider than a terminal: {line}");
        foreach (string line in help.UsageLines.Skip(1))
        {
            string start = line.TrimStart();
            // A continued line starts with an option ("[--max-children N]", "| --linger0"), never
            // with the rest of one ("N]"); a line of its own starts with the program's name.
            Assert.That(start.StartsWith(program + " ") || start[0] is '[' or '|' or '-', Is.True,
                        $"{program}: the usage is broken inside an option:\n{string.Join('\n', help.UsageLines)}");
        }
    }

    [TestCaseSource(nameof(Programs))]
    public void DefaultsAreShownAsTyped(string program)
    {
        var help = Read(program);
        // An enum's C# name (Waitpid, Ignore) is not what one types.
        Assert.That(help.Text, Does.Not.Match(@"\(Default: [A-Z]"));
        Assert.That(help.Text, Does.Not.Match(@"\(default \d"), "a default in words beside the one the list shows");
    }

    [TestCase("echosrv", "--reap", "waitpid")]
    [TestCase("echosrv", "--workers", "8")]
    [TestCase("echosrv", "--model", "fork")]
    [TestCase("echosrv", "--max-children", "256")]
    [TestCase("daytimesrv", "--reap", "waitpid")]
    [TestCase("echocli", "--sigpipe", "ignore")]
    public void TheListShowsTheDefaultAsTyped(string program, string option, string value)
    {
        var help = Read(program);
        Assert.That(help.Text, Does.Match($@"(?m)^  {Regex.Escape(option)} +\(Default: {Regex.Escape(value)}\) "));
    }
}
