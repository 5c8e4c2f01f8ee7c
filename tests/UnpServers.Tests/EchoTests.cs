namespace UnpServers.Tests;

/// <summary>str_echo returns every byte as it came, whatever it is: in a forked child, and in an exec'd one.</summary>
[TestFixture("fork")]
[TestFixture("exec")]
public class EchoTests(string mode) : SharedEchoServer(Modes.Args(mode))
{
    [Test]
    public void An8MiBRandomBinaryStreamEchoesByteIdentical()
    {
        byte[] data = new byte[8 << 20];
        new Random(2).NextBytes(data);
        byte[] got = TestSocket.RoundTrip(Server.Port, data);
        Assert.That(got.Length, Is.EqualTo(data.Length));
        Assert.That(got.AsSpan().SequenceEqual(data), Is.True, "echoed bytes differ");
    }

    [Test]
    public void NulBytesAndNoTrailingNewlineEchoExactly()
    {
        byte[] data = [0, 0, (byte)'a', 0, (byte)'\r', 0xff, 0xfe, (byte)'z', 0];
        Assert.That(TestSocket.RoundTrip(Server.Port, data), Is.EqualTo(data));
    }

    [Test]
    public void AOneMiBSingleLineEchoesWhole()
    {
        byte[] data = new byte[1 << 20];
        data.AsSpan().Fill((byte)'x');
        data[^1] = (byte)'\n';
        Assert.That(TestSocket.RoundTrip(Server.Port, data), Is.EqualTo(data));
    }

    [Test]
    public void AnEmptySessionEchoesNothing()
        => Assert.That(TestSocket.RoundTrip(Server.Port, []), Is.Empty);

    [Test]
    public void TheLogShowsTheIPv4PeerPlainAndEachChildsEnd()
    {
        using (var s = Loopback.Connect(Server.Port))
            Assert.That(TestSocket.Line(s, "hello"), Is.EqualTo("hello\n"));
        Server.WaitForLog(new(@"^connection from 127\.0\.0\.1, port \d+$"), 5000);
        Server.WaitForLog(new(@"^child \d+ terminated, exit status 0$"), 5000);
        Assert.That(Server.Log, Does.Not.Contain("::ffff:"));
    }

    [Test]
    public void AnIPv6ClientIsLoggedAsIPv6()
    {
        using (var s = Loopback.Connect(Server.Port, System.Net.IPAddress.IPv6Loopback))
            Assert.That(TestSocket.Line(s, "six"), Is.EqualTo("six\n"));
        Server.WaitForLog(new(@"^connection from ::1, port \d+$"), 5000);
    }

    [Test]
    public void EveryChildIsNamedAfterTheProgram()
    {
        using var s = Loopback.Connect(Server.Port);
        TestSocket.Line(s, "ps");
        Assert.That(ProcFs.Comm(Server.Pid), Is.EqualTo("echosrv"));
        // A child of an earlier test may exit between the listing and the read: "" is a process gone.
        string[] names = [];
        Assert.That(Wait.Until(() => (names = Server.Children().Select(ProcFs.Comm).Where(c => c != "").ToArray()).Length > 0, 5000), Is.True);
        Assert.That(names, Is.All.EqualTo("echosrv"));
    }
}
