using System.Text.Json;
using Ann2Snn.Tests.Ann;

namespace Ann2Snn.Tests.Cli;

/// <summary>eval --shard, merge and sweep: shards merge into the unsharded run byte for byte, sweeps resume, bad input exits 2.</summary>
public sealed class ScaleCliTests : IDisposable
{
    private static readonly string Model = Zoo.ModelPath("mnist_mlp");

    /// <summary>A small run: the bundled MLP, T = 8 (untuned), Poisson input (seeded per image), 30 images in batches of 8.</summary>
    private static readonly string[] Options =
    [
        "--data", "mnist", "-T", "8", "--limit", "30", "--batch", "8", "--calib-images", "64", "--input", "poisson",
        "--optimize-for", "none",
    ];

    private readonly string _dir = Directory.CreateTempSubdirectory("ann2snn-scale-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private string Shard(int i, int n, params string[] extra)
    {
        var r = CliContractTests.Run(["eval", Model, .. Options, .. extra, "--json", "--shard", $"{i}/{n}"]);
        Assert.True(r.Code == 0, r.Err);
        string file = PathOf($"shard{i}of{n}{string.Join("", extra)}.json");
        File.WriteAllText(file, r.Out);
        return file;
    }

    private static void BadInput((int Code, string Out, string Err) r, params string[] named)
    {
        Assert.Equal(2, r.Code);
        string[] lines = r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string line = lines[0]; // a usage error adds the line pointing to --help
        Assert.True(lines.Length == 1 || (lines.Length == 2 && lines[1].Contains("--help", StringComparison.Ordinal)), r.Err);
        foreach (string n in named) Assert.Contains(n, line);
    }

    [Fact]
    public void MergedShardsOfAnEvalAreItsUnshardedJsonByteForByte()
    {
        var whole = CliContractTests.Run(["eval", Model, .. Options, "--json"]);
        Assert.Equal(0, whole.Code);
        string[] shards = [Shard(2, 3), Shard(0, 3), Shard(1, 3)];
        var merged = CliContractTests.Run(["merge", .. shards, "-o", PathOf("merged.json")]);
        Assert.True(merged.Code == 0, merged.Err);
        Assert.Equal(whole.Out, File.ReadAllText(PathOf("merged.json")));
        JsonElement one = JsonDocument.Parse(File.ReadAllText(shards[1])).RootElement;
        Assert.Equal(10, one.GetProperty("images").GetInt32());
        Assert.True(one.GetProperty("shard").GetProperty("totals").GetProperty("input_spikes").GetInt64() > 0);

        // A folder of them merges the same; one shard of one image each (n = images) too.
        Directory.CreateDirectory(PathOf("dir"));
        foreach (string s in shards) File.Copy(s, Path.Combine(PathOf("dir"), Path.GetFileName(s)));
        Assert.Equal(0, CliContractTests.Run("merge", PathOf("dir"), "-o", PathOf("dir/merged.json")).Code);
        Assert.Equal(whole.Out, File.ReadAllText(PathOf("dir/merged.json")));
    }

    [Fact]
    public void MissingDuplicatedForeignAndTruncatedShardsAreNamed()
    {
        string a = Shard(0, 2), b = Shard(1, 2), other = Shard(1, 2, "--norm", "max");
        BadInput(CliContractTests.Run("merge", a, "-o", PathOf("m.json")), "shard 1/2", "missing", Path.GetFileName(a));
        BadInput(CliContractTests.Run("merge", a, b, b, "-o", PathOf("m.json")), "shard 1/2 is given twice");
        BadInput(CliContractTests.Run("merge", a, other, "-o", PathOf("m.json")), "different evaluations", "--norm (default) against max");
        string cut = PathOf("cut.json");
        File.WriteAllText(cut, File.ReadAllText(b)[..400]);
        BadInput(CliContractTests.Run("merge", a, cut, "-o", PathOf("m.json")), "cut.json", "truncated");
        string plain = PathOf("plain.json");
        File.WriteAllText(plain, CliContractTests.Run(["eval", Model, .. Options, "--json"]).Out);
        BadInput(CliContractTests.Run("merge", a, plain, "-o", PathOf("m.json")), "plain.json", "no \"shard\" object");
        string forged = PathOf("forged.json");
        File.WriteAllText(forged, File.ReadAllText(b).Replace("\"images\": 15,", "\"images\": 16,", StringComparison.Ordinal)
            .Replace("\"first_image\": 15", "\"first_image\": 14", StringComparison.Ordinal));
        BadInput(CliContractTests.Run("merge", a, forged, "-o", PathOf("m.json")), "forged.json");
        Assert.False(File.Exists(PathOf("m.json")));
        string kept = File.ReadAllText(a);
        BadInput(CliContractTests.Run("merge", a, b, "-o", a), "--output", "not overwritten");
        BadInput(CliContractTests.Run("merge", PathOf("dir-that-is-not-there"), "-o", b), "dir-that-is-not-there");
        Assert.Equal(kept, File.ReadAllText(a));
        BadInput(CliContractTests.Run("eval", Model, "--shard", "2/2"), "--shard", "0..1");
        BadInput(CliContractTests.Run("eval", Model, "--shard", "0/0"), "--shard");
    }

    private string Spec(string body)
    {
        string path = PathOf($"spec{Guid.NewGuid():N}.json");
        File.WriteAllText(path, body);
        return path;
    }

    private string GoodSpec() => Spec($$"""
        { "models": [{{JsonSerializer.Serialize(Model)}}], "data": "mnist",
          "options": { "timesteps": [4, 8], "limit": 30, "batch": 8, "calib-images": 64, "input": "poisson",
            "optimize-for": "none" },
          "seeds": [5], "shards": 2 }
        """);

    [Fact]
    public void ASweepWritesOneResultPerRunResumesAndMergesIntoEachConfigurationsEval()
    {
        string spec = GoodSpec(), outDir = PathOf("out");
        var first = CliContractTests.Run("sweep", spec, "--out", outDir, "--json");
        Assert.True(first.Code == 0, first.Err);
        Assert.Equal(4, JsonDocument.Parse(first.Out).RootElement.GetProperty("ran").GetInt32());
        string[] files = [.. Directory.GetFiles(Path.Combine(outDir, "results")).Order()];
        Assert.Equal(4, files.Length);
        Assert.Empty(Directory.GetFiles(Path.Combine(outDir, "results"), ".*"));
        DateTime[] written = [.. files.Select(File.GetLastWriteTimeUtc)];

        var again = CliContractTests.Run("sweep", spec, "--out", outDir, "--json");
        Assert.Equal(0, JsonDocument.Parse(again.Out).RootElement.GetProperty("ran").GetInt32());
        Assert.Equal(written, files.Select(File.GetLastWriteTimeUtc));

        File.Delete(files[1]); // a run lost in a crash is run again, the others are kept
        var resumed = CliContractTests.Run("sweep", spec, "--out", outDir, "--json");
        Assert.Equal(1, JsonDocument.Parse(resumed.Out).RootElement.GetProperty("ran").GetInt32());
        Assert.Equal(written[0], File.GetLastWriteTimeUtc(files[0]));

        var merged = CliContractTests.Run("merge", outDir, "-o", PathOf("merged.json"), "--report", PathOf("report"));
        Assert.True(merged.Code == 0, merged.Err);
        JsonElement root = JsonDocument.Parse(File.ReadAllText(PathOf("merged.json"))).RootElement;
        Assert.Equal(2, root.GetProperty("configurations").GetInt32());
        JsonElement second = root.GetProperty("results")[1];
        Assert.Equal("8", second.GetProperty("configuration").GetProperty("values").GetProperty("--timesteps").GetString());
        string[] args = [.. second.GetProperty("configuration").GetProperty("arguments").EnumerateArray().Select(a => a.GetString()!)];
        var eval = CliContractTests.Run(["eval", .. args, "--json"]);
        Assert.Equal(JsonSerializer.Serialize(JsonDocument.Parse(eval.Out).RootElement, CompactJson),
            JsonSerializer.Serialize(second.GetProperty("result"), CompactJson));
        string html = File.ReadAllText(PathOf("report/index.html"));
        Assert.Contains("Ranked by accuracy at each T", html);
        Assert.Contains("T = 8", html);
        Assert.True(File.Exists(PathOf("report/sweep_pareto.png")));
        Assert.Equal(1 + 3 + 4, File.ReadAllLines(PathOf("report/sweep.csv")).Length); // header, T = 1, 2, 4, then 1, 2, 4, 8

        // Parts of the sweep run apart (as array tasks do) give the same files.
        string parts = PathOf("parts");
        for (int i = 0; i < 3; i++) Assert.Equal(0, CliContractTests.Run("sweep", spec, "--out", parts, "--shard", $"{i}/3").Code);
        Assert.Equal(files.Select(Path.GetFileName), Directory.GetFiles(Path.Combine(parts, "results")).Order().Select(Path.GetFileName));
        Assert.Equal(0, CliContractTests.Run("merge", parts, "-o", PathOf("parts.json")).Code);
        Assert.Equal(File.ReadAllText(PathOf("merged.json")), File.ReadAllText(PathOf("parts.json")));

        // A damaged result is named, and neither run over nor lost.
        File.WriteAllText(files[2], "{\"model\": ");
        BadInput(CliContractTests.Run("sweep", spec, "--out", outDir), Path.GetFileName(files[2]), "truncated");
        Assert.Equal("{\"model\": ", File.ReadAllText(files[2]));
    }

    private static readonly JsonSerializerOptions CompactJson = new() { WriteIndented = false };

    [Theory]
    [InlineData("""{ "models": ["MODEL"], "colour": 1 }""", "colour", "unknown key")]
    [InlineData("""{ "models": ["MODEL"], "options": { "normalise": ["max"] } }""", "options.normalise", "not an option")]
    [InlineData("""{ "models": ["MODEL"], "options": { "norm": ["max", "p200"] } }""", "configuration 1", "--norm")]
    [InlineData("""{ "models": ["MODEL"], "options": { "timesteps": ["eight"] } }""", "configuration 0", "eight")]
    [InlineData("""{ "models": ["MODEL"], "options": { "norm": [] } }""", "options.norm", "empty")]
    [InlineData("""{ "models": [] }""", "models", "empty")]
    [InlineData("""{ "models": ["MODEL"], "seeds": [1, 1] }""", "configuration 1", "repeats")]
    [InlineData("""{ "models": ["MODEL"], "shards": 0 }""", "shards", "≥ 1")]
    [InlineData("""{ "models": ["MODEL"], "options": { "json": true } }""", "options.json", "not an option of a run")]
    [InlineData("""{ "models": ["nope.onnx"] }""", "models", "does not exist")]
    [InlineData("""{ "models": ["MODEL"] """, "", "not valid JSON")]
    public void BadSpecsExitTwoNamingTheFileAndKey(string body, string key, string message)
    {
        string spec = Spec(body.Replace("\"MODEL\"", JsonSerializer.Serialize(Model), StringComparison.Ordinal));
        BadInput(CliContractTests.Run("sweep", spec, "--out", PathOf("bad")), Path.GetFileName(spec), key, message);
        Assert.False(Directory.Exists(PathOf("bad/results")));
    }

    [Fact]
    public void SlurmDryRunWritesAnArrayOfOneTaskPerRunAndAMergeJobThatWaitsForIt()
    {
        var r = CliContractTests.Run("sweep", GoodSpec(), "--out", PathOf("slurm"), "--slurm", "--partition", "cpu", "--time", "00:30:00",
            "--cpus-per-task", "4", "--command", "/opt/ann2snn/ann2snn", "--dry-run");
        Assert.True(r.Code == 0, r.Err);
        string array = File.ReadAllText(PathOf("slurm/sweep.sbatch")), merge = File.ReadAllText(PathOf("slurm/merge.sbatch"));
        Assert.Contains("#SBATCH --array=0-3\n", array);
        Assert.Contains("#SBATCH --partition=cpu\n", array);
        Assert.Contains("#SBATCH --time=00:30:00\n", array);
        Assert.Contains("#SBATCH --cpus-per-task=4\n", array);
        Assert.Contains($"exec /opt/ann2snn/ann2snn sweep {Path.GetFullPath(PathOf("x"))[..^1]}", array);
        Assert.Contains("--shard auto --json --threads 4\n", array);
        Assert.Contains($"exec /opt/ann2snn/ann2snn merge {PathOf("slurm")} -o {PathOf("slurm/merged.json")}", merge);
        Assert.Contains("#SBATCH --array", r.Out);
        Assert.False(Directory.Exists(PathOf("slurm/results")));
        BadInput(CliContractTests.Run("sweep", GoodSpec(), "--out", PathOf("s"), "--partition", "cpu"), "--slurm");
    }
}
