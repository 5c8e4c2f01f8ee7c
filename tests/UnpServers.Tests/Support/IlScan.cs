using System.Reflection;
using System.Reflection.Emit;

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
