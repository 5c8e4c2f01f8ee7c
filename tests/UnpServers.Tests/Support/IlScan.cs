using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.InteropServices;

namespace UnpServers.Tests.Support;

/// <summary>
/// Reads a method's IL for what fork-safety R4 forbids in the code a child can run: an
/// allocation (newobj of a class, newarr, box, a call outside the assembly that returns an
/// object), a throw, an interface call (dispatch the runtime resolves and caches on first
/// use), and a call to a [BeforeFork] method from code that is not itself [BeforeFork].
/// </summary>
public static class IlScan
{
    private static readonly Dictionary<short, OpCode> OpCodesByValue =
        typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
                       .Select(f => (OpCode)f.GetValue(null)!)
                       .ToDictionary(o => o.Value);

    public const BindingFlags Everything =
        BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;

    public static bool IsBeforeFork(MethodBase m) => m.CustomAttributes.Any(a => a.AttributeType.Name == "BeforeForkAttribute");

    /// <summary>Every method and constructor of every type of the assembly, compiler-generated ones included.</summary>
    public static IEnumerable<MethodBase> Methods(Assembly assembly)
        => assembly.GetTypes().SelectMany(t => t.GetMethods(Everything).Cast<MethodBase>().Concat(t.GetConstructors(Everything)));

    /// <summary>What R4 forbids in m, one line each ("Type.Method: newarr"); empty when m is clean.</summary>
    public static List<string> Violations(MethodBase m)
    {
        var found = new List<string>();
        if (m is ConstructorInfo { IsStatic: true }) return found; // static constructors run in the parent (Rehearsal)
        bool beforeFork = IsBeforeFork(m);
        if (beforeFork && m.IsVirtual) found.Add($"{Name(m)}: a [BeforeFork] method cannot be virtual");
        foreach (var (op, operand) in Instructions(m))
        {
            string? why = op.Value switch
            {
                _ when op == OpCodes.Newarr => "newarr",
                _ when op == OpCodes.Box => "box",
                _ when op == OpCodes.Throw || op == OpCodes.Rethrow => "throw",
                _ when op == OpCodes.Newobj && operand is MethodBase ctor && !ctor.DeclaringType!.IsValueType => $"newobj {ctor.DeclaringType}",
                _ => null,
            };
            if (beforeFork) why = null; // allowed there: the parent runs it, before it forks
            if (operand is MethodBase target && (op == OpCodes.Call || op == OpCodes.Callvirt || op == OpCodes.Newobj))
            {
                if (IsBeforeFork(target) && !beforeFork) why = $"calls [BeforeFork] {Name(target)}";
                else if (!beforeFork && target.Module.Assembly != m.Module.Assembly && ReturnsObject(target))
                    why = $"calls {Name(target)}, which returns an object";
                else if (!beforeFork && op == OpCodes.Callvirt && target.DeclaringType!.IsInterface)
                    why = $"interface call {Name(target)}";
            }
            if (why != null) found.Add($"{Name(m)}: {why}");
        }
        return found;
    }

    /// <summary>
    /// The methods the code of `from` calls in another assembly (Tmds.LibC), directly or through
    /// one another, that `into` accepts: the package's code a child runs. Static constructors and
    /// [BeforeFork] methods are not followed: the parent runs them.
    /// </summary>
    public static HashSet<MethodBase> CalledInto(IEnumerable<MethodBase> from, Func<MethodBase, bool> into)
    {
        var found = new HashSet<MethodBase>();
        var todo = new Queue<MethodBase>(from.Where(m => m is not ConstructorInfo { IsStatic: true } && !IsBeforeFork(m)));
        while (todo.TryDequeue(out MethodBase? m))
            foreach (var (_, operand) in Instructions(m))
                if (operand is MethodBase target && into(target) && found.Add(target)) todo.Enqueue(target);
        return found;
    }

    /// <summary>
    /// The libc functions the code of `from` calls, directly or through the methods `into`
    /// accepts: the entry points of the P/Invokes it reaches.
    /// </summary>
    public static HashSet<string> LibcCalls(IEnumerable<MethodBase> from, Func<MethodBase, bool> into)
        => CalledInto(from, into).Where(m => (m.Attributes & MethodAttributes.PinvokeImpl) != 0)
                                 .Select(m => m.GetCustomAttribute<DllImportAttribute>()!.EntryPoint ?? m.Name)
                                 .ToHashSet();

    /// <summary>
    /// The libc functions a child may call (R4). _Fork() resets none of libc's locks (malloc's,
    /// stdio's, the loader's), which the parent's other thread may hold at the fork, so a child
    /// calls only functions that take none and allocate nothing: async-signal-safe ones
    /// (signal-safety(7)), Linux's system calls (the wrapper is the call and errno), and three that
    /// touch only what the caller passes. Each one is called by code of the child's assembly
    /// (some of it the parent's helpers there); add to it only with a reason.
    /// </summary>
    public static readonly HashSet<string> ChildMayCall =
    [
        // async-signal-safe, signal-safety(7)
        "_exit", "_Fork", "access", "bind", "clock_gettime", "close", "connect", "dup2", "execve", "fcntl",
        "ftruncate", "geteuid", "getpeername", "getpid", "getppid", "getsockname", "getsockopt", "kill",
        "listen", "lseek", "open", "poll", "read", "readlinkat", "recvmsg", "select", "send", "sendmsg",
        "setsockopt", "shutdown", "sigaction", "sigaddset", "sigdelset", "sigemptyset", "sigfillset",
        "sigismember", "sigprocmask", "socket", "socketpair", "tcgetattr", "tcsetattr", "time", "unlink",
        "wait", "waitpid", "write",
        // Linux system calls
        "accept4", "close_range", "epoll_create1", "epoll_ctl", "epoll_wait", "getdents64", "getrlimit",
        "ioctl", "isatty", "mmap", "munmap", "pidfd_getfd", "pidfd_open", "pidfd_send_signal", "pipe2",
        "prctl", "pread", "setrlimit", "signalfd", "waitid",
        // only what the caller passes: its buffer, UNP 30.8's process-shared mutex
        "inet_ntop", "pthread_mutex_consistent", "pthread_mutex_lock", "pthread_mutex_unlock",
    ];

    /// <summary>Calls that cannot fail, so their bindings need not save errno.</summary>
    private static readonly HashSet<string> CannotFail = ["getpid", "getppid", "getuid", "geteuid", "getgid", "getegid"];

    /// <summary>
    /// What R4 forbids in a package method a child calls, one line each: a P/Invoke must be linked
    /// directly (libc.so.6, DirectPInvoke), take and return only blittable types (else the
    /// compiler marshals them, which allocates), keep its C signature (PreserveSig) and save
    /// errno (SetLastError) unless it cannot fail; any other method must pass Violations, and
    /// have no static constructor (the rehearsal runs only ours).
    /// </summary>
    public static List<string> BindingViolations(MethodBase m)
    {
        if ((m.Attributes & MethodAttributes.PinvokeImpl) == 0)
        {
            var found = Violations(m);
            if (m.DeclaringType?.TypeInitializer != null) found.Add($"{Name(m)}: its type has a static constructor");
            return found;
        }
        var problems = new List<string>();
        var import = m.GetCustomAttribute<DllImportAttribute>()!;
        if (import.Value != "libc.so.6") problems.Add($"{Name(m)}: from {import.Value}, not linked directly (DirectPInvoke names libc.so.6)");
        if ((m.MethodImplementationFlags & MethodImplAttributes.PreserveSig) == 0) problems.Add($"{Name(m)}: not PreserveSig");
        var method = (MethodInfo)m;
        if (!import.SetLastError && method.ReturnType != typeof(void) && !CannotFail.Contains(import.EntryPoint ?? m.Name))
            problems.Add($"{Name(m)}: does not save errno (SetLastError=false)");
        foreach (ParameterInfo p in method.GetParameters().Prepend(method.ReturnParameter))
            if (p.IsDefined(typeof(MarshalAsAttribute)) || !Blittable(p.ParameterType))
                problems.Add($"{Name(m)}: {p.Name ?? "return"} is {p.ParameterType.Name}, which is marshalled (not blittable)");
        return problems;
    }

    /// <summary>Passed to native code as it is, without a marshalling stub.</summary>
    private static bool Blittable(Type t)
        => t == typeof(void) || t.IsPointer || t.IsEnum
           || (t.IsPrimitive && t != typeof(bool) && t != typeof(char))
           || (t.IsValueType && !t.IsGenericType && !t.IsByRef && t.StructLayoutAttribute?.Value != LayoutKind.Auto
               && t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
                   .All(f => !f.IsDefined(typeof(MarshalAsAttribute)) && Blittable(f.FieldType)));

    /// <summary>The types named by ldtoken in m (typeof(T)).</summary>
    public static IEnumerable<Type> TokenTypes(MethodBase m)
        => Instructions(m).Where(i => i.Op == OpCodes.Ldtoken).Select(i => i.Operand).OfType<Type>();

    private static bool ReturnsObject(MethodBase m)
        => m is MethodInfo mi && mi.ReturnType != typeof(void) && !mi.ReturnType.IsValueType
           && !mi.ReturnType.IsByRef && !mi.ReturnType.IsPointer && !mi.ReturnType.IsGenericParameter;

    private static string Name(MethodBase m) => $"{m.DeclaringType?.Name}.{m.Name}";

    private static IEnumerable<(OpCode Op, object? Operand)> Instructions(MethodBase m)
    {
        byte[]? il = m.GetMethodBody()?.GetILAsByteArray();
        if (il == null) yield break;
        Type[] typeArgs = m.DeclaringType is { IsGenericType: true } t ? t.GetGenericArguments() : [];
        Type[] methodArgs = m.IsGenericMethod ? m.GetGenericArguments() : [];
        for (int i = 0; i < il.Length; )
        {
            short value = il[i] == 0xFE ? (short)(0xFE00 | il[i + 1]) : il[i];
            OpCode op = OpCodesByValue[value];
            i += op.Size;
            object? operand = null;
            switch (op.OperandType)
            {
                case OperandType.InlineMethod:
                    operand = m.Module.ResolveMethod(BitConverter.ToInt32(il, i), typeArgs, methodArgs);
                    break;
                case OperandType.InlineType:
                case OperandType.InlineTok:
                    operand = m.Module.ResolveMember(BitConverter.ToInt32(il, i), typeArgs, methodArgs);
                    break;
            }
            i += OperandSize(op.OperandType, il, i);
            yield return (op, operand);
        }
    }

    private static int OperandSize(OperandType type, byte[] il, int at) => type switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, at),
        _ => 4,
    };
}
