using System.IO.Compression;
using System.Text.Json.Nodes;
using Ann2Snn.Cli.Commands;
using Ann2Snn.Conversion;
using Ann2Snn.Neurons;
using Ann2Snn.Snn;
using Ann2Snn.Tensors;
using Ann2Snn.Tests.Ann;
using Ann2Snn.Tests.TestUtil;

namespace Ann2Snn.Tests.Neurons;

/// <summary>The registry, and the places that name a model through it: the command line, the conversion and the .snn file.</summary>
public class NeuronModelsTests
{
    public static TheoryData<string> Names => new(NeuronModels.All.Select(m => m.Name));

    [Fact]
    public void NamesRoundTripAndAreUniqueLowerCase()
    {
        Assert.Equal(["if", "lif"], NeuronModels.All.Take(2).Select(m => m.Name));
        Assert.Same(NeuronModels.If, NeuronModels.All[0]);
        Assert.Same(NeuronModels.Lif, NeuronModels.All[1]);
        Assert.Equal(NeuronModels.All.Count, NeuronModels.All.Select(m => m.Name).Distinct().Count());
        foreach (NeuronModel m in NeuronModels.All)
        {
            Assert.Equal(m.Name.ToLowerInvariant(), m.Name);
            Assert.Same(m, NeuronModels.Find(m.Name));
            Assert.Same(m, NeuronModels.Find(m.Name.ToUpperInvariant(), StringComparison.OrdinalIgnoreCase));
            Assert.Equal(m.Name, m.ToString());
        }
        Assert.Null(NeuronModels.Find("IF"));
        Assert.Null(NeuronModels.Find("hodgkin_huxley"));
        Assert.Equal(string.Join(", ", NeuronModels.All.Select(m => m.Name)), NeuronModels.Names);
    }

    [Fact]
    public void EveryModelTypeIsRegisteredOnce()
    {
        Type[] types = [.. typeof(NeuronModel).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(NeuronModel)) && !t.IsAbstract)];
        Assert.Equal(types.OrderBy(t => t.Name), NeuronModels.All.Select(m => m.GetType()).OrderBy(t => t.Name));
        Assert.All(types, t => Assert.True(t.IsSealed, $"{t.Name} is not sealed"));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void CommandLineAndConversionTakeTheModelByName(string name)
    {
        NeuronModel model = NeuronModels.Find(name)!;
        Assert.Same(model, new ConversionSettings { Neuron = name }.ToConversionOptions().Neuron);
        var options = new ConversionOptions { Neuron = model, Normalization = NormalizationKind.Model };
        ConversionResult result = Converter.Convert(Converter.Prepare(TestGraphs.ResidualMlp(), out _), null, options);
        Assert.All(result.Network.Layers.OfType<NeuronLayer>(), l => Assert.Same(model, l.Neuron.Model));
    }

    [Fact]
    public void AnUnknownNameOnTheCommandLineListsTheModels()
    {
        var e = Assert.Throws<InvalidOptionException>(() => new ConversionSettings { Neuron = "hodgkin" }.ToConversionOptions());
        Assert.Contains($"option '--neuron': 'hodgkin' is not one of {NeuronModels.Names}", e.Message);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void ForConversionGivesUnitGainAtUnitStep(string name)
    {
        NeuronModel model = NeuronModels.Find(name)!;
        foreach (float tau in new[] { 2f, 20f, 1000f })
        {
            NeuronParameters p = model.ForConversion(0.75f, tau);
            p.Validate();
            Assert.Same(model, p.Model);
            Assert.Equal((1f, 0.75f, ResetMode.BySubtraction), (p.Dt, p.VThreshold, p.Reset));
            Assert.Equal((0, 0f, false), (p.RefractorySteps, p.InitialFraction, p.SignedSpikes));
            Assert.Equal(1f, p.InputGain, 1e-6f);
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void SnnFileStoresTheModelByName(string name)
    {
        NeuronModel model = NeuronModels.Find(name)!;
        var rng = new Random(5);
        var shape = new Shape(3);
        NeuronParameters p = model.ForConversion(1.25f, 20f) with { Reset = ResetMode.ToZero, RefractorySteps = 1, InitialFraction = 0.5f };
        var synapses = new DenseOp(shape, TestGraphs.Random(rng, 0.5f, 3, 3));
        var layer = new NeuronLayer("n", shape, p, [new Projection(-1, [synapses])], new float[3]);
        var network = new SpikingNetwork("one-" + name, shape, [layer], new Dictionary<string, string>());
        var file = new MemoryStream();
        SnnFile.Save(network, file);

        file.Position = 0;
        Assert.Equal(p, ((NeuronLayer)SnnFile.Load(file).Layers[0]).Neuron);
        Assert.Equal(name, (string?)Manifest(file.ToArray())["layers"]![0]!["neuron"]!["kind"]);
    }

    [Fact]
    public void ExistingSnnFilesReadAndWriteTheirNeuronsAsBefore()
    {
        // The fuzz corpus holds .snn files written before the models were types: their neuron entries come back byte for byte.
        string[] files = Directory.GetFiles(Path.Combine(Zoo.RepositoryRoot, "fuzz", "corpus", "snn"), "*.snn");
        Assert.NotEmpty(files);
        var kinds = new HashSet<string>();
        foreach (string path in files)
        {
            byte[] original = File.ReadAllBytes(path);
            var again = new MemoryStream();
            SnnFile.Save(SnnFile.Load(new MemoryStream(original), path), again);
            JsonArray before = Manifest(original)["layers"]!.AsArray(), after = Manifest(again.ToArray())["layers"]!.AsArray();
            Assert.Equal(before.Count, after.Count);
            for (int i = 0; i < before.Count; i++)
            {
                Assert.Equal(before[i]!["neuron"]?.ToJsonString(), after[i]!["neuron"]?.ToJsonString());
                if (before[i]!["neuron"]?["kind"] is { } kind) kinds.Add((string)kind!);
            }
        }
        Assert.Superset(new HashSet<string> { "if", "lif" }, kinds);
    }

    private static JsonNode Manifest(byte[] snn)
    {
        using var zip = new ZipArchive(new MemoryStream(snn), ZipArchiveMode.Read);
        using Stream s = zip.GetEntry(SnnFile.ManifestEntry)!.Open();
        return JsonNode.Parse(s)!;
    }
}
