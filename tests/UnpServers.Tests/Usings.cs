global using NUnit.Framework;

// The kit is Linux-only: fork, signalfd, /proc.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
