namespace UnpServers.Tests.Support
{
    /// <summary>
    /// A copy of bin/ that any user can enter and run, for the tests whose server drops to another
    /// user and then has that user execute the program again (--exec): the checkout itself may sit
    /// in /root or in a mktemp -d directory (mode 0700), closed to that user. Made once, at first
    /// use; removed when the run ends (RemoveWorldReadableBin).
    /// </summary>
    public static class WorldReadableBin
    {
        private static readonly Lock s_lock = new();
        private static string? s_path;

        /// <summary>The directory of the copy (mode 0755, its files 0755).</summary>
        public static string Path
        {
            get
            {
                lock (s_lock)
                {
                    if (s_path != null) return s_path;
                    string copy = Directory.CreateTempSubdirectory("unp-bin-").FullName;
                    var readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                                 | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
                    foreach (string f in Directory.GetFiles(System.IO.Path.Combine(Repo.Root, "bin")))
                        File.Copy(f, System.IO.Path.Combine(copy, System.IO.Path.GetFileName(f)));
                    File.SetUnixFileMode(copy, readable);
                    foreach (string f in Directory.GetFiles(copy)) File.SetUnixFileMode(f, readable);
                    return s_path = copy;
                }
            }
        }

        /// <summary>A program of the copy, e.g. Program("echosrv").</summary>
        public static string Program(string name) => System.IO.Path.Combine(Path, name);

        internal static void Remove()
        {
            lock (s_lock)
            {
                if (s_path != null) Directory.Delete(s_path, recursive: true);
                s_path = null;
            }
        }
    }
}

/// <summary>
/// Removes the copy WorldReadableBin made, when the run ends. Outside any namespace, as Subreaper,
/// so that NUnit runs it once for the whole assembly.
/// </summary>
[SetUpFixture]
public sealed class RemoveWorldReadableBin
{
    [OneTimeTearDown]
    public void Remove() => UnpServers.Tests.Support.WorldReadableBin.Remove();
}
