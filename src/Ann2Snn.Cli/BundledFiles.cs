namespace Ann2Snn.Cli;

/// <summary>Finds the repository's bundled files (models/) from the working directory or the program's location.</summary>
internal static class BundledFiles
{
    public static string Model(string name)
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "models", name);
                if (File.Exists(candidate)) return candidate;
            }
        }
        throw new InvalidOptionException($"option '--model': the bundled model models/{name} was not found above "
            + $"'{Directory.GetCurrentDirectory()}' or '{AppContext.BaseDirectory}'; pass --model PATH");
    }
}
