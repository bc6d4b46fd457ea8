using Ann2Snn.Fuzz;
using Ann2Snn.Tests.Ann;

namespace Ann2Snn.Tests.Fuzz;

/// <summary>
/// The inputs on which afl-fuzz found a loader crashing, lying or over-allocating (fuzz/run.sh), kept as files under
/// <c>Fuzz/Fixtures/TARGET/</c>: each must now be refused with the target's typed exception under the harness's rules
/// (one clean line naming the file, an expected cause, bounded allocation). And the seed corpora under
/// <c>fuzz/corpus/TARGET/</c> must load cleanly, so the fuzzer starts from real, valid files.
/// </summary>
public sealed class FuzzRegressionTests
{
    private static string FixturesFolder => Path.Combine(Zoo.RepositoryRoot, "tests", "Ann2Snn.Tests", "Fuzz", "Fixtures");

    private static string CorpusFolder => Path.Combine(Zoo.RepositoryRoot, "fuzz", "corpus");

    /// <summary>(target, file name) of every file under <paramref name="root"/>/TARGET/.</summary>
    private static TheoryData<string, string> FilesUnder(string root)
    {
        var data = new TheoryData<string, string>();
        foreach (string dir in Directory.GetDirectories(root).Order(StringComparer.Ordinal))
        {
            foreach (string file in Directory.GetFiles(dir).Order(StringComparer.Ordinal))
            {
                data.Add(Path.GetFileName(dir), Path.GetFileName(file));
            }
        }
        return data;
    }

    public static TheoryData<string, string> Reproducers() => FilesUnder(FixturesFolder);

    public static TheoryData<string, string> Seeds() => FilesUnder(CorpusFolder);

    private static Type ExpectedException(string target) => target switch
    {
        "idx" or "npy" or "npz" => typeof(InvalidDatasetException),
        "onnx" or "snn" or "snn-manifest" => typeof(InvalidModelException),
        _ => throw new ArgumentException($"no target '{target}'", nameof(target)),
    };

    [Theory]
    [MemberData(nameof(Reproducers))]
    public void Reproducer_is_refused_with_a_typed_error(string target, string file)
    {
        Target t = Targets.Find(target) ?? throw new ArgumentException($"no target '{target}'", nameof(target));
        byte[] input = File.ReadAllBytes(Path.Combine(FixturesFolder, target, file));

        Ann2SnnException? refusal = Harness.Run(t, input);

        Assert.NotNull(refusal);
        Assert.IsType(ExpectedException(target), refusal);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Seed_loads(string target, string file)
    {
        Target t = Targets.Find(target) ?? throw new ArgumentException($"no target '{target}'", nameof(target));
        Ann2SnnException? refusal = Harness.Run(t, File.ReadAllBytes(Path.Combine(CorpusFolder, target, file)));
        Assert.Null(refusal);
    }
}
