// unp-stress: the proof of docs/fork-safety.md. Many connections from concurrent clients,
// each checking a random payload, while random children are killed with SIGTERM and
// SIGKILL; then a report of errors, hung and crashed children, zombies, and the parent's
// descriptors and memory from start to end. Exit 0 only if every criterion holds.
using UnpServers.Cli;
using UnpServers.Interop;
using UnpServers.Stress;

var options = Arguments.Parse<Options>(args, "unp-stress", o => o.Validate());
if (LibC.prctl(LibC.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
{
    Console.Error.WriteLine("unp-stress: prctl(PR_SET_CHILD_SUBREAPER) failed");
    return 1;
}
using var server = Server.Start(options.Server, options.ServerCommandLine);
var soak = new Soak(options, server);
Report report = soak.Run();
report.Print(Console.Out);
return report.Passed ? 0 : 1;
