// UNP's err_sys, as an exception for set-up code: the failed call, its errno and the message.
namespace UnpServers.Unp;

/// <summary>
/// A failed system call, reported the UNP way (err_sys):
/// "bind error: Address already in use (EADDRINUSE)".
/// Thrown only before fork or in programs that never fork: a forked child never throws.
/// </summary>
public sealed class UnpException(string call, int errno, string? detail = null)
    : Exception(detail ?? $"{call} error: {UnpServers.Unp.ErrorText.Describe(errno)}")
{
    public string Call { get; } = call;
    public int Errno { get; } = errno;
}
