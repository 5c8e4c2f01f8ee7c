global using NUnit.Framework;
// The process harness shared with the soak and the bench: ServerProcess, ProcessHandle, ProcFs, Wait, Repo.
global using UnpServers.Testing;
// What most fixtures use: their helpers, the C names, sockets, processes, text.
global using System.Diagnostics;
global using System.Net;
global using System.Net.Sockets;
global using System.Text;
global using System.Text.RegularExpressions;
global using UnpServers.Interop;
global using UnpServers.Tests.Support;

// The kit is Linux-only: fork, signalfd, /proc.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
