// unp-stress: the proof of docs/fork-safety.md. Many connections from concurrent clients,
// each checking a random payload, while random children are killed with SIGTERM and
// SIGKILL; then a report of errors, hung and crashed children, zombies, and the parent's
// descriptors and memory from start to end. Exit 0 only if every criterion holds.
using UnpServers.Cli;
using UnpServers.Stress;
using UnpServers.Testing;

var options = Arguments.Parse<Options>(args, "unp-stress", o => o.Validate());
if (!Reaping.BecomeSubreaper())
{
    Console.Error.WriteLine("unp-stress: prctl(PR_SET_CHILD_SUBREAPER) failed");
    return 1;
}
using var server = StartServer(options.Server, options.ServerCommandLine);
if (server == null) return 1;
var soak = new Soak(options, server);
Report report = soak.Run();
report.Print(Console.Out);
return report.Passed ? 0 : 1;

// The server on a free port, logging to a file, its stderr passed on. One that does not start
// is reported in a line or two, with its log and stderr: not a stack trace.
static ServerProcess? StartServer(string path, string args)
{
    try
    {
        string[] argv = args.Split(' ', StringSplitOptions.RemoveEmptyEntries); // no --max-children: the pre-forked designs refuse it
        return ServerProcess.Start(path, argv, timeoutMs: 15000, onStderr: line => Console.Error.WriteLine("server: " + line));
    }
    catch (ServerStartException e)
    {
        Console.Error.WriteLine("unp-stress: " + e.Message);
        return null;
    }
}
