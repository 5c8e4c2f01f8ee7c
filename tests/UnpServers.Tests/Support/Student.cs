namespace UnpServers.Tests.Support
{
    /// <summary>
    /// A student of a class sharing one machine (issue 21): not root, with a HOME and a TMPDIR of
    /// their own, running the programs and the labs from the class's read-only install
    /// (InstalledCopy). As root, the tests run the student's commands as nobody (setpriv);
    /// otherwise as the user running the tests. What the student leaves in HOME and TMPDIR
    /// (LeftBehind) is what a lab wrote outside its own temporary directory, or failed to remove.
    /// </summary>
    public sealed class Student : IDisposable
    {
        private const UnixFileMode Open = (UnixFileMode)0b111_101_101;   // 0755
        private const UnixFileMode Shared = (UnixFileMode)0b111_111_111; // 0777: the student's own, whoever that is

        /// <summary>A folder for the test (0755, the test's), holding the student's HOME and TMPDIR.</summary>
        public string Dir { get; }
        public string Home { get; }
        public string Tmp { get; }

        public Student()
        {
            Dir = Directory.CreateTempSubdirectory("unp-student.").FullName;
            File.SetUnixFileMode(Dir, Open);
            Home = Path.Combine(Dir, "home");
            Tmp = Path.Combine(Dir, "tmp");
            foreach (string d in new[] { Home, Tmp })
            {
                Directory.CreateDirectory(d);
                File.SetUnixFileMode(d, Shared);
            }
        }

        /// <summary>As root, the student is nobody; otherwise the user running the tests.</summary>
        public static bool IsNobody => LibC.geteuid() == 0;

        /// <summary>A folder the student may write into (0777), for the test's wrappers' logs.</summary>
        public string WritableDir(string name)
        {
            string d = Path.Combine(Dir, name);
            Directory.CreateDirectory(d);
            File.SetUnixFileMode(d, Shared);
            return d;
        }

        /// <summary>
        /// Starts program as the student, in an environment of their own: PATH, HOME, TMPDIR and
        /// what env adds; a mark (UNP_TEST_MARK) that every process it starts inherits, for Processes.
        /// With mergeStderr, stderr goes into stdout in the order written, as on a terminal.
        /// </summary>
        public Process Start(string program, IEnumerable<string> args, IDictionary<string, string>? env = null,
                             bool mergeStderr = false, bool stdin = false)
        {
            var argv = new List<string>();
            if (mergeStderr) argv.AddRange(["bash", "-c", "exec \"$@\" 2>&1", "bash"]);
            argv.Add(program);
            argv.AddRange(args);
            if (IsNobody)
            {
                Assert.That(UnpServers.Unp.Privileges.Getpwnam("nobody", out uint uid, out uint gid), Is.True, "no user nobody");
                argv.InsertRange(0, ["setpriv", $"--reuid={uid}", $"--regid={gid}", "--clear-groups", "--"]);
            }
            var psi = new ProcessStartInfo(argv[0])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = stdin,
                UseShellExecute = false,
                WorkingDirectory = Home,
            };
            foreach (string a in argv.Skip(1)) psi.ArgumentList.Add(a);
            string? dotnetRoot = Environment.GetEnvironmentVariable("DOTNET_ROOT");
            psi.Environment.Clear();
            psi.Environment["PATH"] = "/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin";
            psi.Environment["HOME"] = Home;
            psi.Environment["TMPDIR"] = Tmp;
            psi.Environment["LANG"] = "C.UTF-8";
            psi.Environment["UNP_TEST_MARK"] = Mark;
            if (dotnetRoot != null) psi.Environment["DOTNET_ROOT"] = dotnetRoot;
            foreach (var kv in env ?? new Dictionary<string, string>()) psi.Environment[kv.Key] = kv.Value;
            return Process.Start(psi)!;
        }

        public sealed record Result(int ExitCode, string Output, string StdErr);

        /// <summary>
        /// Runs program as the student to its end, its stderr merged into its output. At the
        /// deadline it gets SIGTERM (a lab then stops what it started), then SIGKILL, and the test fails.
        /// </summary>
        public Result Run(string program, IEnumerable<string> args, IDictionary<string, string>? env = null,
                          int timeoutMs = 60_000, string? input = null)
        {
            using var p = Start(program, args, env, mergeStderr: true, stdin: input != null);
            using var handle = ProcessHandle.OfOwnChild(p.Id);
            var r = Support.Run.Finish(p, $"{Path.GetFileName(program)} {string.Join(' ', args)}", input, timeoutMs, stop: () =>
            {
                handle?.Signal(SIGTERM);
                p.WaitForExit(15_000);
            });
            return new Result(r.ExitCode, r.StdOut, r.StdErr);
        }

        /// <summary>The mark every process the student starts inherits (in its environment).</summary>
        public string Mark { get; } = Guid.NewGuid().ToString("N");

        /// <summary>The processes that carry this student's mark: what a lab left running.</summary>
        public List<string> Processes()
        {
            byte[] mark = Encoding.ASCII.GetBytes("UNP_TEST_MARK=" + Mark + "\0");
            var found = new List<string>();
            foreach (string dir in Directory.GetDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
                try
                {
                    byte[] env = File.ReadAllBytes(Path.Combine(dir, "environ"));
                    if (env.AsSpan().IndexOf(mark) >= 0)
                        found.Add($"{pid} {File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ').Trim()}");
                }
                catch (IOException) { }           // gone, or a kernel thread
                catch (UnauthorizedAccessException) { } // not ours
            }
            return found;
        }

        /// <summary>What is in the student's HOME and TMPDIR: nothing, after a lab.</summary>
        public string[] LeftBehind()
            => Directory.GetFileSystemEntries(Home).Concat(Directory.GetFileSystemEntries(Tmp)).ToArray();

        /// <summary>Whether this kernel gives the student the namespaces the labs run in.</summary>
        public bool HasNamespaces()
        {
            using var p = Start("unshare", ["--user", "--map-current-user", "--net", "true"]);
            p.WaitForExit(10_000);
            return p.HasExited && p.ExitCode == 0;
        }

        public void Dispose()
        {
            // A lab that failed may have left its processes: they go first (each through a pidfd,
            // opened before its mark is read again: never a later process with the same pid).
            foreach (string line in Processes())
            {
                int pid = int.Parse(line.Split(' ')[0]);
                int fd = LibC.pidfd_open(pid, 0);
                if (fd < 0) continue;
                if (Processes().Any(l => l.StartsWith(pid + " "))) LibC.pidfd_send_signal(fd, SIGKILL);
                LibC.close(fd);
            }
            try { Directory.Delete(Dir, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>
    /// The class's install (issue 21): make install into a folder of the test run, then made
    /// read-only, as an instructor's /opt/unp. Made once, at first use; removed when the run ends
    /// (RemoveInstalledCopy).
    /// </summary>
    public static class InstalledCopy
    {
        private static readonly Lock s_lock = new();
        private static string? s_dir;
        private static string? s_failure;

        /// <summary>The install's PREFIX. A failed install fails every test that uses it, and is made once.</summary>
        public static string Prefix
        {
            get
            {
                lock (s_lock)
                {
                    if (s_dir == null)
                    {
                        s_dir = Directory.CreateTempSubdirectory("unp-install.").FullName; // removed at the end, whatever happens
                        File.SetUnixFileMode(s_dir, (UnixFileMode)0b111_101_101);
                        // -o bin/.built: make test has just built bin/; never a rebuild in the middle of the tests.
                        var r = Run.Command("make", ["--no-print-directory", "-C", Repo.Root, "-o", "bin/.built", "install", "PREFIX=" + Path.Combine(s_dir, "unp")], timeoutMs: 60_000);
                        if (r.ExitCode != 0) s_failure = "make install: " + r.StdOut + r.StdErr;
                        else if (Run.Command("chmod", ["-R", "a-w", Path.Combine(s_dir, "unp")]) is { ExitCode: not 0 } chmod) s_failure = "chmod: " + chmod.StdErr;
                    }
                    if (s_failure != null) Assert.Fail(s_failure);
                    return Path.Combine(s_dir, "unp");
                }
            }
        }

        public static string Bin => Path.Combine(Prefix, "bin");
        public static string UnpLab => Path.Combine(Bin, "unp-lab");

        internal static void Remove()
        {
            lock (s_lock)
            {
                if (s_dir == null) return;
                Run.Command("chmod", ["-R", "u+w", s_dir]);
                Directory.Delete(s_dir, recursive: true);
                s_dir = null;
                s_failure = null;
            }
        }
    }
}

/// <summary>Removes the install InstalledCopy made, when the run ends (outside any namespace: once per run).</summary>
[SetUpFixture]
public sealed class RemoveInstalledCopy
{
    [OneTimeTearDown]
    public void Remove() => UnpServers.Tests.Support.InstalledCopy.Remove();
}
