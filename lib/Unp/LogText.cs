// The parent's and the clients' side of Log: lines given as strings, and opening the --log
// file. Kept out of the child's assembly, whose code never builds a string (R4); C# 14
// extension members let them read as Log.Info("...") all the same.
using System.Text;
using UnpServers.Interop;

namespace UnpServers.Unp;

public static class LogText
{
    extension(Log)
    {
        public static void Info(string message) => Log.Info(Log.Line().Add(message));

        public static void Error(string message) => Log.Error(Log.Line().Add(message));

        /// <summary>
        /// --log FILE: every line, information and errors, is appended to FILE from now on.
        /// The path is bytes, as the user typed it: a name that is not UTF-8 names the same file.
        /// </summary>
        public static void OpenFile(byte[] path)
        {
            byte[] cpath = [.. path, 0];
            int fd = Log.OpenAppend(cpath);
            if (fd < 0)
            {
                int err = Errno.Last; // before the message is built, which may call libc
                throw new UnpException("open", err, $"open error for {Encoding.UTF8.GetString(path)}: {ErrorText.Describe(err)}");
            }
            Log.UseFile(fd, cpath);
        }

        /// <summary>SIGHUP: the file again under its name; false (and the reason logged) if it cannot be opened.</summary>
        public static bool Reopen(byte[] path)
        {
            int err = Log.ReopenFile();
            if (err == 0) return true;
            if (err > 0) Log.Error($"open error for {Encoding.UTF8.GetString(path)}: {ErrorText.Describe(err)}");
            return false;
        }

        /// <summary>Discards every line: under inetd, stderr is the client's connection.</summary>
        public static void Discard()
        {
            Log.ReportFd = -1;
            int fd = LibC.open("/dev/null\0"u8, O_WRONLY | O_CLOEXEC, 0);
            if (fd >= 0) Log.InfoFd = Log.ErrorFd = fd;
        }
    }
}
