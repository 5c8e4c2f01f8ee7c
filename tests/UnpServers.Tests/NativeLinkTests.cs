using System.Xml;
using UnpServers.Tests.Support;

namespace UnpServers.Tests;

/// <summary>
/// The programs are one native executable (Native AOT, programs/), and every libc call in it
/// is linked directly (DirectPInvoke, Native.props): the loader resolves it at start. A lazy
/// binding would be resolved by the runtime on its first call, which could come in a forked child (R4).
/// </summary>
[TestFixture]
public class NativeLinkTests
{
    private static readonly string[] Programs = ["echosrv", "echocli", "daytimesrv", "daytimecli", "unpwatch"];

    [Test]
    public void EveryProgramIsALinkToOneNativeExecutable()
    {
        byte[] head = new byte[4];
        using (var f = File.OpenRead(Repo.Program("unpservers"))) f.ReadExactly(head);
        Assert.That(head, Is.EqualTo(new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F' }));
        long inode = Inode(Repo.Program("unpservers"));
        Assert.That(Programs.Select(p => Inode(Repo.Program(p))), Is.All.EqualTo(inode));
        Assert.That(Directory.GetFiles(Path.Combine(Repo.Root, "bin"), "*.dll"), Is.Empty, "no managed assemblies beside it");
    }

    [Test]
    public void NoPInvokeIsBoundLazily()
    {
        // The compiler's map of the executable (IlcGenerateMapFile, Native.props) names a node
        // PInvokeMethodFixup for each P/Invoke it left to the runtime to bind.
        string map = Path.Combine(Repo.Root, "programs", "obj", "Release", "net10.0", RuntimeId, "native", "unpservers.map.xml");
        Assert.That(File.Exists(map), Is.True, $"{map}: run make");
        Assert.That(File.GetLastWriteTimeUtc(map), Is.LessThanOrEqualTo(File.GetLastWriteTimeUtc(Repo.Program("unpservers")).AddMinutes(1)),
            "the map belongs to the executable in bin/");
        var lazy = new List<string>();
        using (var reader = XmlReader.Create(map))
            while (reader.Read())
                if (reader.NodeType == XmlNodeType.Element && reader.Name == "PInvokeMethodFixup") lazy.Add(reader.GetAttribute("Name") ?? "?");
        Assert.That(lazy, Is.Empty);
    }

    private static long Inode(string path) => long.Parse(Run.Command("stat", ["-L", "-c", "%i", path]).StdOut.Trim());

    private static string RuntimeId => System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier;
}
