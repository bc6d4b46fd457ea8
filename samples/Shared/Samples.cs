/// <summary>What the samples share.</summary>
internal static class Samples
{
    /// <summary>The model a sample runs: its first argument, else models/NAME in the working folder or one above it.</summary>
    public static string Model(string[] args, string name = "mnist_lenet_bn.onnx")
    {
        if (args.Length > 0) return args[0];
        for (DirectoryInfo? dir = new(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "models", name);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"models/{name} not found above {Directory.GetCurrentDirectory()}; pass the model's path");
    }
}
