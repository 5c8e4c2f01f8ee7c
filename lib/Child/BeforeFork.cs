// R4's one exception in this assembly: code that only the parent runs, the set-up before its
// first fork (my_lock_init, a log line's buffer) and the libc calls that take libc's locks or
// malloc (getaddrinfo, localtime_r, ...). It may allocate and throw; the code a child runs may
// not call it. ChildCodeTests checks both, from the IL.
namespace UnpServers;

[AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor, Inherited = false)]
public sealed class BeforeForkAttribute : Attribute;
