namespace UnpServers.Tests;

/// <summary>Many connections leave no zombie and no descriptor behind.</summary>
[TestFixture]
public class LeakTests
{
    [Test]
    public void TwoThousandConnectionsFromEightClientsLeakNothing()
    {
        using var server = ServerProcess.StartEcho();
        TestSocket.RoundTrip(server.Port, [0]); // first connection: the log is open, everything warmed
        Assert.That(Wait.Until(() => server.Children().Length == 0, 5000), Is.True);
        // The parent closes the child's pidfd after waitpid() and before it logs the exit.
        Assert.That(Wait.Until(() => server.CountLog(new(@"^child \d+ terminated")) == 1, 5000), Is.True, server.Log);
        int fdsBefore = ProcFs.FdCount(server.Pid);

        int errors = 0;
        var clients = Enumerable.Range(0, 8).Select(c => Task.Run(() =>
        {
            var rnd = new Random(c);
            for (int i = 0; i < 250; i++)
            {
                byte[] data = new byte[rnd.Next(1, 4096)];
                rnd.NextBytes(data);
                try
                {
                    if (!TestSocket.RoundTrip(server.Port, data, 10000).AsSpan().SequenceEqual(data)) Interlocked.Increment(ref errors);
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        })).ToArray();
        Assert.That(Task.WaitAll(clients, 120_000), Is.True, "2,000 connections within 2 minutes");

        Assert.That(errors, Is.EqualTo(0));
        Assert.That(Wait.Until(() => server.Children().Length == 0, 5000), Is.True, "every child gone");
        Assert.That(ProcFs.Zombies(server.Pid), Is.Empty);
        Assert.That(Wait.Until(() => server.CountLog(new(@"^child \d+ terminated")) == 2001, 5000), Is.True, "every exit logged");
        Assert.That(ProcFs.FdCount(server.Pid), Is.EqualTo(fdsBefore), "the parent's descriptors");
        Assert.That(server.CountLog(new(@"^child \d+ terminated, exit status 0$")), Is.EqualTo(2001));
    }
}
