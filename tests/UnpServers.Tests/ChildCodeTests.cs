using System.Reflection;
using System.Runtime.InteropServices;
using UnpServers.Child;
using UnpServers.ForkSafety;

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

    /// <summary>
    /// A child is made by _Fork(), which leaves libc's locks as the parent's other thread held
    /// them (lib/Child/ChildPrologue.cs): every libc function the child's code calls, ours and
    /// Tmds.LibC's, takes none and allocates nothing (IlScan.ChildMayCall). A binding of one
    /// that does (getaddrinfo, setuid, mkstemp) is [BeforeFork], which the check above enforces.
    /// </summary>
    [Test]
    public void AChildCallsNoLibcFunctionThatTakesALockOrAllocates()
    {
        Assembly package = typeof(Tmds.Linux.LibC).Assembly;
        var calls = IlScan.LibcCalls(IlScan.Methods(ChildAssembly), m => m.Module.Assembly == package || m.Module.Assembly == ChildAssembly);
        Assert.That(calls, Is.SupersetOf(new[] { "_Fork", "read", "write", "close_range", "pthread_mutex_lock", "_exit" }), "the child's libc calls were found");
        Assert.That(calls.Except(IlScan.ChildMayCall).Order(), Is.Empty);
    }

    [Test]
    public void TheLibcCheckCatchesAPlantedCallToMalloc()
    {
        var calls = IlScan.LibcCalls(IlScan.Methods(typeof(PlantedCaller).Assembly).Where(m => m.DeclaringType == typeof(PlantedCaller)),
                                     m => m.DeclaringType == typeof(PlantedBindings));
        Assert.That(calls, Has.Member("malloc").And.Member("close").And.Member("poll"), "the planted calls were found");
        Assert.That(calls.Except(IlScan.ChildMayCall), Has.Member("malloc").And.No.Member("close").And.No.Member("poll"));
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

    /// <summary>
    /// The child calls into Tmds.LibC too (through lib/Child/Libc/Tmds/): each of its methods
    /// the child can reach is a P/Invoke linked directly with a blittable signature that saves
    /// errno, or code that passes the same check as ours.
    /// </summary>
    [Test]
    public void WhatAChildRunsOfTmdsLibCIsLinkedDirectlyBlittableAndAllocationFree()
    {
        Assembly package = typeof(Tmds.Linux.LibC).Assembly;
        var called = IlScan.CalledInto(IlScan.Methods(ChildAssembly), m => m.Module.Assembly == package);
        Assert.That(called.Select(m => m.Name), Is.SupersetOf(new[] { "_exit", "read", "write", "close", "accept4", "sigprocmask", "get_EINTR", "get_errno" }),
            "the child's calls into the package were found");
        Assert.That(called.SelectMany(IlScan.BindingViolations), Is.Empty);
    }

    [Test]
    public void TheCheckOfThePackageCatchesEachKindOfPlantedMistake()
    {
        var called = IlScan.CalledInto(IlScan.Methods(typeof(PlantedCaller).Assembly).Where(m => m.DeclaringType == typeof(PlantedCaller)),
                                       m => m.DeclaringType == typeof(PlantedBindings));
        var found = called.ToDictionary(m => m.Name, IlScan.BindingViolations);
        Assert.Multiple(() =>
        {
            Assert.That(found.Keys, Is.EquivalentTo(new[] { "strlen", "poll", "dlclose", "Allocates", "Inner", "close", "Clean", "malloc" }), "followed through Clean to Inner");
            Assert.That(found["strlen"], Has.One.Contains("not blittable"));
            Assert.That(found["poll"], Has.One.Contains("does not save errno"));
            Assert.That(found["dlclose"], Has.One.Contains("not linked directly"));
            Assert.That(found["Allocates"], Has.One.Contains("newarr"));
            Assert.That(found["Inner"], Has.One.Contains("box"));
            Assert.That(found["close"], Is.Empty);
            Assert.That(found["Clean"], Is.Empty);
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

    /// <summary>Stands for Tmds.LibC: one binding or method for each thing the check must refuse, two it must let through.</summary>
    private static class PlantedBindings
    {
        [DllImport("libc.so.6", SetLastError = true)]
        public static extern nint strlen(string s);

        [DllImport("libc.so.6")]
        public static extern int poll(nint fds, nuint nfds, int timeout);

        [DllImport("libdl.so.2", SetLastError = true)]
        public static extern int dlclose(nint handle);

        public static int Allocates(int n) => new int[n].Length;

        public static object Inner(int n) => n;

        [DllImport("libc.so.6", SetLastError = true)]
        public static extern int close(int fd);

        [DllImport("libc.so.6", SetLastError = true)]
        public static extern nint malloc(nuint size);

        public static int Clean(int fd) => close(fd) + (Inner(fd) == null ? 1 : 0);
    }

    /// <summary>The child's side: calls each planted binding.</summary>
    private static class PlantedCaller
    {
        public static nint Strlen() => PlantedBindings.strlen("x");

        public static int Poll() => PlantedBindings.poll(0, 0, 0);

        public static int Dlclose() => PlantedBindings.dlclose(0);

        public static int Allocates() => PlantedBindings.Allocates(3);

        public static int Clean() => PlantedBindings.Clean(-1);

        public static nint Malloc() => PlantedBindings.malloc(16);
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
