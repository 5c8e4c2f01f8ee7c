// --help, and the usage under every usage error: CommandLineParser's HelpText, with a usage that
// wraps between options (never inside "[--max-children N]") and the options listed in its order.
using System.Text;
using CommandLine;
using CommandLine.Text;

namespace UnpServers.Cli;

public static class HelpScreen
{
    /// <summary>The width of --help: a terminal's default, so that no line is wrapped by the terminal.</summary>
    private const int Width = 80;

    /// <summary>
    /// The library's help writer: heading, the usage (UsageLines), then every option of T in the
    /// order the usage names them (as the README's tables list them), --help and --version last.
    /// </summary>
    public static string Text<T>(string program, ParserResult<T> result) where T : IProgramOptions
    {
        string usage = T.UsageLine;
        var help = new HelpText(Arguments.Version(program), "")
        {
            AdditionalNewLineAfterOption = false,
            AddDashesToOption = true,
            MaximumDisplayWidth = Width,
            OptionComparison = (a, b) => (Rank(usage, a), a.Index).CompareTo((Rank(usage, b), b.Index)),
        };
        help.AddPreOptionsLines(UsageLines(usage));
        help.AddOptions(result);
        return help.ToString().TrimStart('\r', '\n') + Environment.NewLine;
    }

    /// <summary>Where the usage first names an option (by its long or short name) or a positional (its MetaName); past the end if nowhere.</summary>
    private static int Rank(string usage, ComparableOption o)
    {
        string?[] names = o.IsOption ? ["--" + o.LongName, o.ShortName is { Length: > 0 } s ? "-" + s : null] : [o.LongName];
        int first = int.MaxValue;
        foreach (string? name in names)
        {
            if (string.IsNullOrEmpty(name)) continue;
            for (int at = usage.IndexOf(name, StringComparison.Ordinal); at >= 0; at = usage.IndexOf(name, at + 1, StringComparison.Ordinal))
            {
                bool whole = (at == 0 || !IsNameChar(usage[at - 1])) && (at + name.Length == usage.Length || !IsNameChar(usage[at + name.Length]));
                if (!whole) continue;
                first = Math.Min(first, at);
                break;
            }
        }
        return first;

        static bool IsNameChar(char c) => char.IsLetterOrDigit(c) || c == '-';
    }

    /// <summary>
    /// "usage: " and the synopses, one a line of the usage, each wrapped at Width between options,
    /// never inside one ("[--max-children N]" stays whole), and continued under its first option.
    /// </summary>
    private static IEnumerable<string> UsageLines(string usage)
    {
        string prefix = "usage: ";
        foreach (string synopsis in usage.Split('\n'))
        {
            string program = synopsis.Split(' ')[0];
            string indent = new(' ', prefix.Length + program.Length + 1);
            var line = new StringBuilder(prefix + program);
            bool empty = true; // nothing after the program's name yet
            foreach (string unit in Units(synopsis[program.Length..].Trim(), Width - indent.Length))
            {
                if (!empty && line.Length + 1 + unit.Length > Width)
                {
                    yield return line.ToString();
                    line.Clear().Append(indent).Append(unit);
                }
                else line.Append(' ').Append(unit);
                empty = false;
            }
            yield return line.ToString();
            prefix = new string(' ', prefix.Length);
        }
    }

    /// <summary>
    /// What a synopsis may be broken between: its outermost groups ("[--model NAME [--workers N]]"),
    /// and, of a group longer than room, the options inside it ("[--model NAME", "[--workers N]]").
    /// </summary>
    private static IEnumerable<string> Units(string synopsis, int room)
    {
        foreach (string group in SplitBeforeOptions(synopsis, outermostOnly: true))
        {
            if (group.Length <= room) yield return group;
            else foreach (string option in SplitBeforeOptions(group, outermostOnly: false)) yield return option;
        }
    }

    /// <summary>Splits at each space before "[", "-" or "|" (a "|" stays with the option after it), outside brackets only if outermostOnly.</summary>
    private static List<string> SplitBeforeOptions(string text, bool outermostOnly)
    {
        var pieces = new List<string>();
        int depth = 0, start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '[') depth++;
            else if (text[i] == ']') depth--;
            else if (text[i] == ' ' && (depth == 0 || !outermostOnly) && i + 1 < text.Length && text[i + 1] is '[' or '-' or '|' && i > 0 && text[i - 1] != '|')
            {
                pieces.Add(text[start..i]);
                start = i + 1;
            }
        }
        pieces.Add(text[start..]);
        return pieces;
    }
}
