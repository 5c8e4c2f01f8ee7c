namespace UnpServers.Tests;

/// <summary>daytimesrv --write-size N (UNP exercise 1.5): the reply in pieces, each its own read.</summary>
[TestFixture]
public partial class DaytimeWriteSizeTests
{
    [GeneratedRegex(@"^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}\r\ncounter = (\d+)\n$")]
    private static partial Regex ReplyAndCounter();

    [TestCase("2")]
    [TestCase("1", "--fork")]
    [TestCase("3", "--fork", "--exec")]
    public void DaytimecliCountsMoreThanOneRead(string size, params string[] mode)
    {
        using var server = ServerProcess.Start("daytimesrv", ["--write-size", size, .. mode]);
        var r = Run.Program("daytimecli", ["127.0.0.1", "--port", server.Port.ToString(), "--count"]);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.StdErr);
        Match m = ReplyAndCounter().Match(r.StdOut);
        Assert.That(m.Success, Is.True, r.StdOut);
        int counter = int.Parse(m.Groups[1].Value);
        int pieces = (26 + int.Parse(size) - 1) / int.Parse(size);
        Assert.That(counter, Is.GreaterThan(1).And.LessThanOrEqualTo(pieces), r.StdOut);
    }

    [Test]
    public void WithoutItTheReplyIsOneRead()
    {
        using var server = ServerProcess.Start("daytimesrv", []);
        var r = Run.Program("daytimecli", ["127.0.0.1", "--port", server.Port.ToString(), "--count"]);
        Assert.That(r.StdOut, Does.EndWith("counter = 1\n"));
    }

    [TestCase("-1")]
    [TestCase("27")]
    public void ABadSizeIsAUsageError(string size)
    {
        var r = Run.Program("daytimesrv", ["--port", "0", "--write-size", size]);
        Assert.That(r.ExitCode, Is.EqualTo(64), r.StdErr);
    }
}
