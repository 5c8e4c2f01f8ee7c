namespace UnpServers.Testing;

/// <summary>Where the built programs are: bin/ at the repository root (make builds them).</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string Program(string name)
    {
        string path = Path.Combine(Root, "bin", name);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} is missing: run `make` (make test builds it first)", path);
        return path;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "UnpServers.sln"))) return dir.FullName;
        throw new InvalidOperationException("UnpServers.sln not found above " + AppContext.BaseDirectory);
    }
}
