namespace UnpServers.Tests;

/// <summary>--max-children: at the limit, connections wait in the backlog; none is refused.</summary>
[TestFixture]
public class MaxChildrenTests
{
    [Test]
    public void TwoAreServedAtOnceAndTheOtherTwoAsSoonAsTheyLeave()
    {
        using var server = ServerProcess.StartEcho("--max-children", "2");
        var first = new List<Socket>();
        for (int i = 0; i < 2; i++)
        {
            var s = Loopback.Connect(server.Port);
            Assert.That(TestSocket.Line(s, $"first {i}"), Is.EqualTo($"first {i}\n"));
            first.Add(s);
        }
        // Connected (the kernel completes the handshake from the backlog) but not served.
        var waiting = Enumerable.Range(0, 2).Select(_ => Loopback.Connect(server.Port)).ToList();
        foreach (Socket s in waiting) s.Send("waiting\n"u8.ToArray());
        // Two SIGUSR1 round trips instead of a sleep: the server handles signals before it
        // accepts, in the same turn of its loop. Had it polled the listener when it logged the
        // first stats line, the second would count more than two connections.
        for (int round = 1; round <= 2; round++)
        {
            server.Signal(Interop.LibC.SIGUSR1);
            Assert.That(Wait.Until(() => server.CountLog(new("^stats: ")) == round, 5000), Is.True, server.Log);
        }
        Assert.That(server.LogLines().Last(l => l.StartsWith("stats: ")), Does.StartWith("stats: accepted 2, active 2,"), server.Log);
        Assert.That(waiting.Select(s => s.Available), Is.All.EqualTo(0), "nobody serves the 3rd and 4th yet");
        Assert.That(server.Children(), Has.Length.EqualTo(2));

        foreach (Socket s in first) s.Dispose();

        foreach (Socket s in waiting)
        {
            Assert.That(System.Text.Encoding.ASCII.GetString(TestSocket.ReadExactly(s, 8)), Is.EqualTo("waiting\n"));
            s.Dispose();
        }
        Assert.That(server.CountLog(new("^connection from")), Is.EqualTo(4));
    }
}
