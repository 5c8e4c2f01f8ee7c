// Every program's arguments, the same way: CommandLineParser reads them; --help and
// --version print and exit 0; a bad argument prints a one-line reason and the usage on
// stderr and exits 64 (EX_USAGE, <sysexits.h>).
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using CommandLine;
using CommandLine.Text;
using UnpServers.Interop;
using UnpServers.Unp;

namespace UnpServers.Cli;

/// <summary>What a program's options class gives besides its [Option] and [Value] properties.</summary>
public interface IProgramOptions
{
    /// <summary>
    /// The synopsis under the heading of --help and of every usage error, one line per way of
    /// running the program. It names every option: --help lists them in its order.
    /// </summary>
    static abstract string UsageLine { get; }

    /// <summary>
    /// The positional arguments beyond those declared, any of which is an error: a catch-all
    /// [Value(N)] after the declared ones. Without a MetaName the help does not list it.
    /// </summary>
    IEnumerable<string> Unexpected { get; }

    /// <summary>
    /// The long names of the options on the command line, told before validation: an option's
    /// value does not say whether it was given when it equals its Default.
    /// </summary>
    void Given(IReadOnlySet<string> longNames) { }
}

public static class Arguments
{
    /// <summary>
    /// What CommandLineParser reflects on in an options class, kept by the trimmer (Native AOT):
    /// its properties and their attributes, and the constructor it builds the class with.
    /// </summary>
    private const DynamicallyAccessedMemberTypes Options =
        DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.PublicConstructors;

    /// <param name="validate">Checks the parsed values; returns the reason they are bad, or null.</param>
    public static T Parse<[DynamicallyAccessedMembers(Options)] T>(string[] args, string program, Func<T, string?>? validate = null) where T : IProgramOptions
    {
        _ = Stdio.Out; // which of fds 0..2 we were given, checked before anything else runs (and before NoTerminal moves them)
        using var parser = NoTerminal.While(() => new Parser(s => // no console probe: see NoTerminal
        {
            s.HelpWriter = null; // we print help ourselves: stdout for --help, stderr for errors
            s.CaseInsensitiveEnumValues = true;
        }));
        ParserResult<T> result = parser.ParseArguments<T>(args);
        if (MissingValue<T>(args) is string option) Fail(program, $"option --{option} needs a value", result);
        if (result is Parsed<T> parsed)
        {
            parsed.Value.Given(Given<T>(args));
            string? reason = parsed.Value.Unexpected.FirstOrDefault() is string extra ? $"unexpected argument '{extra}'"
                           : validate?.Invoke(parsed.Value);
            if (reason == null) return parsed.Value;
            Fail(program, reason, result);
        }

        var errors = ((NotParsed<T>)result).Errors.ToList();
        if (errors.IsHelp()) Print(program, HelpScreen.Text(program, result));
        if (errors.IsVersion()) Print(program, Version(program) + "\n");
        Fail(program, Reason<T>(errors[0]), result);
        return default!; // not reached
    }

    /// <summary>T's options, each with whether it takes a value (a bool is a switch).</summary>
    private static List<(OptionAttribute Option, bool TakesValue)> OptionsOf<[DynamicallyAccessedMembers(Options)] T>()
        => [.. typeof(T).GetProperties().Select(p => (Option: p.GetCustomAttribute<OptionAttribute>(), TakesValue: p.PropertyType != typeof(bool)))
                                        .Where(o => o.Option != null).Select(o => (o.Option!, o.TakesValue))];

    /// <summary>
    /// The one patch: CommandLineParser 2.9 takes a value option with no value after it, given last
    /// ("echosrv --port") or before "--", as if it were absent, in every mode (GetoptMode too).
    /// Returns its long name, or null.
    /// </summary>
    private static string? MissingValue<[DynamicallyAccessedMembers(Options)] T>(string[] args)
    {
        var valueOptions = OptionsOf<T>().Where(o => o.TakesValue).Select(o => o.Option).ToList();
        for (int i = 0; i < args.Length; i++)
        {
            if (i + 1 < args.Length && args[i + 1] != "--") continue;
            foreach (OptionAttribute o in valueOptions)
                if (args[i] == "--" + o.LongName || (o.ShortName.Length > 0 && args[i] == "-" + o.ShortName)) return o.LongName;
        }
        return null;
    }

    /// <summary>
    /// The long names of the options in args, which the parser accepted: "--NAME", "--NAME=V", "-N",
    /// "-NV"; the argument after a value option without "=" is its value; none after "--".
    /// </summary>
    private static HashSet<string> Given<[DynamicallyAccessedMembers(Options)] T>(string[] args)
    {
        var options = OptionsOf<T>();
        var given = new HashSet<string>();
        for (int i = 0; i < args.Length && args[i] != "--"; i++)
        {
            string a = args[i];
            bool isLong = a.StartsWith("--", StringComparison.Ordinal);
            if (!isLong && !(a.Length > 1 && a[0] == '-')) continue; // a positional argument
            string name = isLong ? a[2..].Split('=')[0] : a[1..2];
            var (option, takesValue) = options.FirstOrDefault(o => name == (isLong ? o.Option.LongName : o.Option.ShortName));
            if (option == null) continue;
            given.Add(option.LongName);
            if (takesValue && (isLong ? !a.Contains('=') : a.Length == 2)) i++;
        }
        return given;
    }

    /// <summary>An enum's value named as typed: its C# name in lower case ("waitpid" for ReapMode.Waitpid), in any case.</summary>
    public static bool TryParseName<TEnum>(string typed, out TEnum value) where TEnum : struct, Enum
    {
        foreach (TEnum v in Enum.GetValues<TEnum>())
        {
            if (!Name(v).Equals(typed, StringComparison.OrdinalIgnoreCase)) continue;
            value = v;
            return true;
        }
        value = default;
        return false;
    }

    /// <summary>An enum's value as typed on the command line.</summary>
    public static string Name<TEnum>(TEnum value) where TEnum : struct, Enum => value.ToString().ToLowerInvariant();

    /// <summary>Every value of an enum as typed: "waitpid, wait, none, ignore".</summary>
    public static string Names<TEnum>() where TEnum : struct, Enum => string.Join(", ", Enum.GetValues<TEnum>().Select(Name));

    /// <summary>One line, naming the option as the user typed it.</summary>
    private static string Reason<[DynamicallyAccessedMembers(Options)] T>(Error error) => error switch
    {
        UnknownOptionError u => $"unknown option '{(u.Token.Length == 1 ? "-" : "--")}{u.Token}'",
        BadFormatConversionError b when b.NameInfo.LongName.Length > 0 => $"invalid value for --{b.NameInfo.LongName}",
        MissingValueOptionError m => $"option --{m.NameInfo.LongName} needs a value",
        BadFormatTokenError t when t.Token.StartsWith('-') && t.Token.EndsWith('=') => $"option {t.Token.TrimEnd('=')} needs a value",
        MissingRequiredOptionError r when r.NameInfo.LongName.Length > 0 => $"missing required option --{r.NameInfo.LongName}",
        // A missing positional's error carries no name: it is the first required [Value]'s MetaName ("HOST").
        MissingRequiredOptionError => "missing " + (typeof(T).GetProperties().Select(p => p.GetCustomAttribute<ValueAttribute>())
                                                        .FirstOrDefault(v => v is { Required: true })?.MetaName ?? "argument"),
        RepeatedOptionError r => $"option --{r.NameInfo.LongName} given twice",
        _ => SentenceBuilder.Create().FormatError(error),
    };

    public static string Version(string program)
        => $"{program} (UnpServers) {typeof(Arguments).Assembly.GetName().Version?.ToString(3)}";

    // Output through write(2), not Console: a closed or full stdout/stderr is an error
    // message and an exit status, never an exception (and a closed one is not the runtime's
    // pipe that took its number, see Stdio).

    /// <summary>--help, --version: the text on stdout, exit 0; exit 1 if it cannot be written, as GNU tools do.</summary>
    private static void Print(string program, string text)
    {
        int err = Output.Write(Stdio.Out, text);
        if (err != 0)
        {
            Output.Write(Stdio.Err, $"{program}: write error on stdout: {ErrorText.Describe(err)}\n");
            Environment.Exit(1);
        }
        Environment.Exit(0);
    }

    private static void Fail<T>(string program, string reason, ParserResult<T> result) where T : IProgramOptions
    {
        Output.Write(Stdio.Err, $"{program}: {reason}\n" + HelpScreen.Text(program, result)); // nowhere else to say it if this fails
        Environment.Exit(LibC.EX_USAGE);
    }
}
