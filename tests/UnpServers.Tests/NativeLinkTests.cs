using System.Xml;

namespace UnpServers.Tests;

/// <summary>
/// The programs are native executables (Native AOT), and every libc call in them is linked
/// directly (DirectPInvoke, Native.props): the loader resolves it at start. A lazy binding
/// would be resolved by the runtime on its first call, which could come in a forked child (R4).
/// </summary>
[TestFixture]
public class NativeLinkTests
{
    private static readonly string[] Programs = ["echosrv", "echocli", "daytimesrv", "daytimecli"];

    [TestCaseSource(nameof(Programs))]
    public void ItIsOneNativeExecutable(string program)
    {
        byte[] head = new byte[4];
        using (var f = File.OpenRead(Repo.Program(program))) f.ReadExactly(head);
        Assert.That(head, Is.EqualTo(new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F' }));
        Assert.That(Directory.GetFiles(Path.Combine(Repo.Root, "bin"), "*.dll"), Is.Empty, "no managed assemblies beside it");
    }

    [TestCaseSource(nameof(Programs))]
    public void NoPInvokeIsBoundLazily(string program)
    {
        // The compiler's map of the published program (IlcGenerateMapFile, Native.props) names
        // a node PInvokeMethodFixup for each P/Invoke it left to the runtime to bind.
        string dir = program.EndsWith("srv") ? "servers" : "clients";
        string map = Path.Combine(Repo.Root, dir, program, "obj", "Release", "net10.0", RuntimeId, "native", program + ".map.xml");
        Assert.That(File.Exists(map), Is.True, $"{map}: run make");
        Assert.That(File.GetLastWriteTimeUtc(map), Is.LessThanOrEqualTo(File.GetLastWriteTimeUtc(Repo.Program(program)).AddMinutes(1)),
            "the map belongs to the program in bin/");
        var lazy = new List<string>();
        using (var reader = XmlReader.Create(map))
            while (reader.Read())
                if (reader.NodeType == XmlNodeType.Element && reader.Name == "PInvokeMethodFixup") lazy.Add(reader.GetAttribute("Name") ?? "?");
        Assert.That(lazy, Is.Empty);
    }

    private static string RuntimeId => System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier;
}
