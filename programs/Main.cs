// Every program in one executable: the name it was run by (argv[0], a hard link's name) picks
// the program, so ps, the log and the usage lines still say echosrv or echocli.
using UnpServers.DaytimeCli;
using UnpServers.DaytimeSrv;
using UnpServers.EchoCli;
using UnpServers.EchoSrv;
using UnpServers.Unp;
using UnpServers.UnpWatch;

[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")] // as every program: Linux's system calls

string name = Path.GetFileName(Environment.GetCommandLineArgs()[0]);
return name switch
{
    "echosrv" => EchoSrv.Main(args),
    "echocli" => EchoCli.Main(args),
    "daytimesrv" => DaytimeSrv.Main(args),
    "daytimecli" => DaytimeCli.Main(args),
    "unpwatch" => UnpWatch.Main(args),
    _ => Usage(name),
};

static int Usage(string name)
{
    Output.Write(Stdio.Err, $"{name}: run me as echosrv, echocli, daytimesrv, daytimecli or unpwatch (a link to this file)\n");
    return UnpServers.Interop.LibC.EX_USAGE;
}
