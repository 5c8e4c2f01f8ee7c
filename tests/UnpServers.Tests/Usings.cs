global using NUnit.Framework;
// The process harness shared with the soak and the bench: ServerProcess, ProcessHandle, ProcFs, Wait, Repo.
global using UnpServers.Testing;

// The kit is Linux-only: fork, signalfd, /proc.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
