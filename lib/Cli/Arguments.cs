// Every program's arguments, the same way: CommandLineParser reads them; --help and
// --version print and exit 0; a bad argument prints a one-line reason and the usage on
// stderr and exits 64 (EX_USAGE, <sysexits.h>).
using CommandLine;
using CommandLine.Text;
using UnpServers.Interop;
using UnpServers.Unp;

namespace UnpServers.Cli;

public static class Arguments
{
    /// <param name="validate">Checks the parsed values; returns the reason they are bad, or null.</param>
    public static T Parse<T>(string[] args, string program, Func<T, string?>? validate = null)
    {
        _ = Stdio.Out; // which of fds 0..2 we were given, checked before anything else runs (and before NoTerminal moves them)
        using var parser = NoTerminal.While(() => new Parser(s => // no console probe: see NoTerminal
        {
            s.HelpWriter = null; // we print help ourselves: stdout for --help, stderr for errors
            s.CaseInsensitiveEnumValues = true;
            s.AutoHelp = true;
            s.AutoVersion = true;
        }));
        ParserResult<T> result = parser.ParseArguments<T>(args);
        if (MissingLastValue<T>(args) is string option)
            Fail(program, $"option --{option} needs a value", parser.ParseArguments<T>(["--help"]));
        if (result is Parsed<T> && ExtraPositional<T>(args) is string extra)
            Fail(program, $"unexpected argument '{extra}'", parser.ParseArguments<T>(["--help"]));
        if (result is Parsed<T> parsed)
        {
            string? reason = validate?.Invoke(parsed.Value);
            if (reason == null) return parsed.Value;
            Fail(program, reason, parser.ParseArguments<T>(["--help"])); // the help of a failed parse is the usage
        }

        var errors = ((NotParsed<T>)result).Errors.ToList();
        if (errors.IsHelp()) Print(program, Help(program, result));
        if (errors.IsVersion()) Print(program, Version(program) + "\n");
        Fail(program, Reason<T>(errors[0]), result);
        return default!; // not reached
    }

    /// <summary>
    /// CommandLineParser 2.9 takes a value option given last with no value ("echosrv --port")
    /// as if it were absent; we refuse it. Returns the option's long name, or null.
    /// </summary>
    private static string? MissingLastValue<T>(string[] args)
    {
        if (args.Length == 0) return null;
        string last = args[^1];
        foreach (var p in typeof(T).GetProperties())
        {
            if (p.PropertyType == typeof(bool)) continue;
            if (p.GetCustomAttributes(typeof(OptionAttribute), false).FirstOrDefault() is not OptionAttribute o) continue;
            if (last == "--" + o.LongName || (o.ShortName.Length > 0 && last == "-" + o.ShortName)) return o.LongName;
        }
        return null;
    }

    /// <summary>
    /// CommandLineParser 2.9 ignores positional arguments beyond those declared
    /// ("echocli host1 host2"); we refuse them. Returns the first extra one, or null.
    /// </summary>
    private static string? ExtraPositional<T>(string[] args)
    {
        var options = typeof(T).GetProperties()
            .Select(p => (p, o: p.GetCustomAttributes(typeof(OptionAttribute), false).FirstOrDefault() as OptionAttribute))
            .Where(x => x.o != null)
            .ToList();
        int declared = typeof(T).GetProperties().Count(p => p.GetCustomAttributes(typeof(ValueAttribute), false).Length > 0);
        int seen = 0;
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            if (a == "--") return i + 1 + declared - seen < args.Length ? args[i + 1 + declared - seen] : null;
            if (a.StartsWith('-') && a.Length > 1)
            {
                string name = a.TrimStart('-').Split('=')[0];
                var match = options.FirstOrDefault(x => x.o!.LongName == name || x.o.ShortName == name);
                bool takesValue = match.p != null && match.p.PropertyType != typeof(bool) && !a.Contains('=');
                if (takesValue) i++; // its value is the next argument
                continue;
            }
            if (++seen > declared) return a;
        }
        return null;
    }

    /// <summary>The MetaName of the first required positional argument ("HOST").</summary>
    private static string FirstRequiredValue<T>()
        => typeof(T).GetProperties()
               .Select(p => p.GetCustomAttributes(typeof(ValueAttribute), false).FirstOrDefault() as ValueAttribute)
               .Where(v => v is { Required: true })
               .OrderBy(v => v!.Index)
               .Select(v => v!.MetaName)
               .FirstOrDefault() ?? "argument";

    /// <summary>One line, naming the option as the user typed it.</summary>
    private static string Reason<T>(Error error) => error switch
    {
        UnknownOptionError u => $"unknown option '{(u.Token.Length == 1 ? "-" : "--")}{u.Token}'",
        BadFormatConversionError b when b.NameInfo.LongName.Length > 0 => $"invalid value for --{b.NameInfo.LongName}",
        MissingValueOptionError m => $"option --{m.NameInfo.LongName} needs a value",
        BadFormatTokenError t when t.Token.StartsWith('-') && t.Token.EndsWith('=') => $"option {t.Token.TrimEnd('=')} needs a value",
        MissingRequiredOptionError r when r.NameInfo.LongName.Length > 0 => $"missing required option --{r.NameInfo.LongName}",
        MissingRequiredOptionError => $"missing {FirstRequiredValue<T>()}",
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
        int err = Stdio.Write(Stdio.Out, text);
        if (err != 0)
        {
            Stdio.Write(Stdio.Err, $"{program}: write error on stdout: {Errno.Describe(err)}\n");
            Environment.Exit(1);
        }
        Environment.Exit(0);
    }

    private static void Fail<T>(string program, string reason, ParserResult<T> result)
    {
        Stdio.Write(Stdio.Err, $"{program}: {reason}\n" + Help(program, result)); // nowhere else to say it if this fails
        Environment.Exit(LibC.EX_USAGE);
    }

    private static string Help<T>(string program, ParserResult<T> result)
    {
        HelpText help = HelpText.AutoBuild(result, h =>
        {
            h.Heading = Version(program);
            h.Copyright = "";
            h.AdditionalNewLineAfterOption = false;
            h.AddDashesToOption = true;
            h.MaximumDisplayWidth = 100;
            var usage = typeof(T).GetProperty("UsageLine", System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static);
            if (usage?.GetValue(null) is string line) h.AddPreOptionsLine("usage: " + line);
            return h;
        }, e => e, verbsIndex: false, maxDisplayWidth: 100);
        return help.ToString().TrimStart('\r', '\n') + Environment.NewLine;
    }
}
