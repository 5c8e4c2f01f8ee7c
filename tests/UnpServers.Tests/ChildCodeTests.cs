using System.Reflection;
using UnpServers.Child;
using UnpServers.ForkSafety;
using UnpServers.Tests.Support;

namespace UnpServers.Tests;

/// <summary>
/// Fork-safety R4, read from the code itself: everything a forked child can run is in
/// UnpServers.Child.dll (lib/Child/), and nothing there allocates, throws or calls into what
/// only the parent may run. The behaviour tests (ForkSafetyTests) see the same from outside.
/// </summary>
[TestFixture]
public class ChildCodeTests
{
    private static readonly Assembly ChildAssembly = typeof(ChildMain).Assembly;

    [Test]
    public void NothingAChildCanRunAllocatesOrThrows()
    {
        var methods = IlScan.Methods(ChildAssembly).ToList();
        Assert.That(methods, Has.Count.GreaterThan(100), "the child's assembly was read");
        Assert.That(methods.SelectMany(IlScan.Violations), Is.Empty);
    }

    /// <summary>
    /// glibc's time-zone functions take its tzset_lock, which fork() does not reset (lib/Child/Clock.cs):
    /// each binding of one is [BeforeFork], so the check above refuses any call to it from a child's
    /// code. The daytime child called ctime_r (issue 20).
    /// </summary>
    [Test]
    public void LibcsTimeZoneFunctionsAreBoundForTheParentOnly()
    {
        string[] timeZone = ["ctime", "ctime_r", "asctime", "asctime_r", "localtime", "localtime_r", "gmtime", "gmtime_r",
                             "mktime", "timelocal", "timegm", "tzset", "strftime", "strptime"];
        var bindings = typeof(UnpServers.Interop.LibC).GetMethods(IlScan.Everything).Where(m => timeZone.Contains(m.Name)).ToList();
        Assert.That(bindings, Is.Not.Empty, "localtime_r is bound, for the parent");
        Assert.That(bindings.Where(m => !IlScan.IsBeforeFork(m)).Select(m => m.ToString()), Is.Empty);
    }

    [Test]
    public void TheCheckCatchesEachKindOfPlantedMistake()
    {
        var found = IlScan.Methods(typeof(Planted).Assembly).Where(m => m.DeclaringType == typeof(Planted))
                          .ToDictionary(m => m.Name, IlScan.Violations);
        Assert.Multiple(() =>
        {
            Assert.That(found[nameof(Planted.NewObject)], Has.One.Contains("newobj"));
            Assert.That(found[nameof(Planted.NewArray)], Has.One.Contains("newarr"));
            Assert.That(found[nameof(Planted.Box)], Has.One.Contains("box"));
            Assert.That(found[nameof(Planted.Throw)], Has.Some.Contains("throw"));
            Assert.That(found[nameof(Planted.BuildsAString)], Has.Some.Contains("returns an object"));
            Assert.That(found[nameof(Planted.InterfaceCall)], Has.One.Contains("interface call"));
            Assert.That(found[nameof(Planted.CallsParentOnlyCode)], Has.One.Contains("[BeforeFork]"));
            Assert.That(found[nameof(Planted.ParentOnly)], Is.Empty, "[BeforeFork] may allocate");
            Assert.That(found[nameof(Planted.Clean)], Is.Empty);
        });
    }

    [Test]
    public void TheChildsAssemblyReferencesNothingElseOfOurs()
    {
        var references = ChildAssembly.GetReferencedAssemblies().Select(a => a.Name).ToList();
        Assert.That(references, Has.Member("System.Runtime"), "the references were read");
        Assert.That(references, Has.None.StartsWith("UnpServers").And.None.EqualTo("CommandLine"));
    }

    [Test]
    public void TheParentRunsEveryStaticConstructorOfTheChildsAssemblyBeforeItForks()
    {
        var withInitializer = ChildAssembly.GetTypes().Where(t => t.TypeInitializer != null).ToList();
        MethodInfo run = typeof(Rehearsal).GetMethod("RunStaticConstructors", IlScan.Everything)!;
        Assert.That(IlScan.TokenTypes(run), Is.EquivalentTo(withInitializer));
    }

    /// <summary>One method for each thing the check must refuse, and two it must let through.</summary>
    private sealed class Planted
    {
        private int _n;

        public object NewObject() => new Planted();

        public int[] NewArray() => new int[_n];

        public object Box() => _n;

        public void Throw() => throw new InvalidOperationException();

        public int BuildsAString() => _n.ToString(System.Globalization.CultureInfo.InvariantCulture).Length;

        public int InterfaceCall(IComparable<int> c) => c.CompareTo(_n);

        public void CallsParentOnlyCode() => ParentOnly();

        [BeforeFork]
        public void ParentOnly() => _n = new int[4].Length;

        public int Clean(Span<byte> buf) => buf.Length + _n;
    }
}
