// The runtime hands Main its arguments as strings, decoded from UTF-8 with every invalid
// byte turned into U+FFFD. A file, user or host name is bytes, not text: --log $'/tmp/\xff.log'
// must open that file, not another one, and --user and --bind look up the name as typed.
// The kernel still holds argv as it was given (/proc/self/cmdline).
using System.Text;
using UnpServers.Unp;

namespace UnpServers.Cli;

public static class RawArguments
{
    /// <summary>
    /// The bytes the user typed as the value of --NAME (given as "--NAME VALUE" or "--NAME=VALUE",
    /// or "-S VALUE" or "-SVALUE" with its short name S), whose decoding the parser returned as
    /// <paramref name="parsed"/>; its UTF-8 if there is no such argument.
    /// </summary>
    public static byte[] OptionValue(string longName, string parsed, char? shortName = null)
    {
        byte[] option = Encoding.ASCII.GetBytes("--" + longName);
        byte[]? shortOption = shortName is char c ? [(byte)'-', (byte)c] : null;
        List<byte[]> argv = Exec.OwnArguments();
        byte[]? found = null;
        for (int i = 1; i < argv.Count; i++)
        {
            byte[] a = argv[i];
            bool named = a.AsSpan().SequenceEqual(option) || (shortOption != null && a.AsSpan().SequenceEqual(shortOption));
            byte[]? value = named && i + 1 < argv.Count ? argv[i + 1]
                          : a.AsSpan().StartsWith([.. option, (byte)'=']) ? a[(option.Length + 1)..]
                          : shortOption != null && a.Length > 2 && a.AsSpan().StartsWith(shortOption) ? a[2..]
                          : null;
            if (value != null && Encoding.UTF8.GetString(value) == parsed) found = value;
        }
        return found ?? Encoding.UTF8.GetBytes(parsed);
    }
}
