using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Ann2Snn.Ann;
using Ann2Snn.Conversion;
using Ann2Snn.Data;
using Ann2Snn.Graph;
using Ann2Snn.Reports;
using Ann2Snn.Simulation;
using Ann2Snn.Simulation.Dense;
using Ann2Snn.Tensors;
using Ann2Snn.Tests.TestUtil;

namespace Ann2Snn.Tests.Reports;

public sealed class ReportTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "ann2snn-report-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private static ReportData Build()
    {
        ModelGraph graph = TestGraphs.SmallCnn();
        ModelGraph prepared = Converter.Prepare(graph, out var applied);
        const int count = 24;
        float[] x = TestGraphs.Inputs(new Random(3), count, graph.Input.OutputShape.Size);
        var options = new ConversionOptions();
        ConversionResult conversion = Converter.Convert(prepared, Calibration.Collect(prepared, [(x, count)], count), options, applied);
        float[] ann = new AnnExecutor(prepared).Forward(x, count);
        int outputs = prepared.Output.OutputShape.Size;
        int[] labels = [.. Enumerable.Range(0, count).Select(b => Enumerable.Range(0, outputs).MaxBy(k => ann[b * outputs + k]))];
        var simulation = new SimulationOptions { Timesteps = 32 };
        var simulator = new DenseSimulator();
        SimulationResult snn = simulator.Run(conversion.Network, [new DataBatch(x, labels, count)], simulation);
        var sample = new ReportSample(Convert.ToHexStringLower(SHA256.HashData(new byte[] { 1, 2, 3 })), x, labels, count);
        return ReportBuilder.Build(new ReportInputs("small.onnx", "random <test> & co", sample, conversion.Network, snn, simulation,
            simulator, [1, 2, 4, 8, 16, 32])
        {
            Conversion = conversion,
            ConversionOptions = options,
            Ann = graph,
            AnnAccuracy = 1.0,
            AgreementImages = 16,
            BiasVarianceImages = 8,
            BiasVarianceSeeds = 2,
        });
    }

    private static string[][] Csv(string path) =>
        [.. File.ReadAllLines(path).Skip(1).Select(l => l.Split(','))];

    private static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    [Fact]
    public void WritesEveryFileWithTheNumbersItWasGiven()
    {
        ReportData data = Build();
        Assert.NotEmpty(data.Agreement);
        Assert.Equal(3, data.BiasVariance.Count);
        Assert.NotNull(data.Saturation);
        Assert.InRange(data.Saturation.Fraction, 0, 1);
        Assert.Equal(data.BiasVariance[^1].Timesteps, data.Saturation.Timesteps);
        Assert.NotEmpty(data.Energy);
        string dir = Path.Combine(_root, "report");
        string index = ReportWriter.Write(data, dir);
        Assert.Equal(Path.Combine(Path.GetFullPath(dir), "index.html"), index);

        string[] pngs = [.. Directory.GetFiles(dir, "*.png").Select(Path.GetFileName).Order()!];
        Assert.Contains("accuracy.png", pngs);
        Assert.Contains("bias_variance.png", pngs);
        Assert.Contains("rates.png", pngs);
        Assert.Contains("energy.png", pngs);
        Assert.Contains("discretization.png", pngs);
        Assert.Contains("synapse.png", pngs);
        Assert.Equal(data.Agreement.Count, pngs.Count(p => p.StartsWith("scatter_", StringComparison.Ordinal)));
        foreach (string png in pngs)
        {
            byte[] bytes = File.ReadAllBytes(Path.Combine(dir, png));
            Assert.True(bytes.Length > 5000, $"{png}: {bytes.Length} bytes");
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
        }

        string html = File.ReadAllText(index);
        foreach (string png in pngs) Assert.Contains($"src=\"{png}\"", html, StringComparison.Ordinal);
        Assert.Contains("random &lt;test&gt; &amp; co", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<test>", html, StringComparison.Ordinal);

        using (JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "report.json"))))
        {
            JsonElement r = json.RootElement;
            Assert.Equal(data.DataSha256, r.GetProperty("data_sha256").GetString());
            Assert.Equal(1.0, r.GetProperty("ann_accuracy").GetDouble());
            JsonElement[] acc = [.. r.GetProperty("accuracy").EnumerateArray()];
            Assert.Equal(data.Accuracy.Count, acc.Length);
            for (int i = 0; i < acc.Length; i++)
            {
                Assert.Equal(data.Accuracy[i].Timesteps, acc[i].GetProperty("timesteps").GetInt32());
                Assert.Equal(data.Accuracy[i].Snn, acc[i].GetProperty("snn").GetDouble());
            }
            JsonElement[] layers = [.. r.GetProperty("layers").EnumerateArray()];
            for (int i = 0; i < layers.Length; i++) Assert.Equal(data.Layers[i].SpikesPerImage,
                layers[i].GetProperty("spikes_per_image").GetDouble());
            JsonElement[] energy = [.. r.GetProperty("energy").EnumerateArray()];
            for (int i = 0; i < energy.Length; i++) Assert.Equal(data.Energy[i].SnnJoules, energy[i].GetProperty("snn_joules").GetDouble());
            JsonElement[] bv = [.. r.GetProperty("bias_variance").EnumerateArray()];
            Assert.Equal(data.Saturation.Fraction, r.GetProperty("saturation").GetProperty("fraction").GetDouble());
            for (int i = 0; i < bv.Length; i++) Assert.Equal(data.BiasVariance[i].Variance, bv[i].GetProperty("variance").GetDouble());
            Assert.Equal(data.Latency.P90, r.GetProperty("latency").GetProperty("p90").GetInt32());
            JsonElement disc = r.GetProperty("discretization");
            double slope = disc.GetProperty("slope").GetDouble();
            Assert.True(slope is >= 0.7 and <= 1.3, $"Δt slope {slope}");
            Assert.Equal(data.Discretization!.Points.Count, disc.GetProperty("points").GetArrayLength());
            double[] jitter = [.. r.GetProperty("synapse").EnumerateArray().Select(p => p.GetProperty("jitter").GetDouble())];
            Assert.Equal(6, jitter.Length);
            for (int i = 1; i < jitter.Length; i++) Assert.True(jitter[i] < jitter[i - 1], $"jitter {string.Join(", ", jitter)}");
        }

        string[][] accuracy = Csv(Path.Combine(dir, "accuracy.csv"));
        Assert.Equal(data.Accuracy.Count, accuracy.Length);
        for (int i = 0; i < accuracy.Length; i++)
        {
            Assert.Equal(data.Accuracy[i].Timesteps, int.Parse(accuracy[i][0], CultureInfo.InvariantCulture));
            Assert.Equal(data.Accuracy[i].Snn, D(accuracy[i][1]));
            Assert.Equal(1.0, D(accuracy[i][2]));
        }
        string[][] layerRows = Csv(Path.Combine(dir, "layers.csv"));
        Assert.Equal(data.Layers.Select(l => l.Name), layerRows.Select(r => r[0]));
        Assert.Equal(data.Layers.Select(l => l.Rate), layerRows.Select(r => D(r[5])));
        Assert.Equal(data.Energy.Select(e => e.AnnJoules), Csv(Path.Combine(dir, "energy.csv")).Select(r => D(r[2])));
        Assert.Equal(data.Agreement.Select(a => a.Rmse), Csv(Path.Combine(dir, "agreement.csv")).Select(r => D(r[5])));
        Assert.Equal(data.BiasVariance.Select(p => p.AnalogBiasSquared), Csv(Path.Combine(dir, "bias_variance.csv")).Select(r => D(r[4])));
        string[][] discRows = Csv(Path.Combine(dir, "discretization.csv"));
        Assert.Equal(data.Discretization!.Points.Select(p => p.Dt), discRows.Select(r => D(r[0])));
        Assert.Equal(data.Discretization.Points.Select(p => p.MeanSpikeTimeError), discRows.Select(r => D(r[1])));
        string[][] syn = Csv(Path.Combine(dir, "synapse.csv"));
        Assert.Equal(["delta", "exponential"], syn.Select(r => r[0]).Distinct());
        Assert.Equal(data.Synapse.Select(p => p.Jitter), syn.Select(r => D(r[2])));
        foreach (string file in new[] { "discretization.csv", "synapse.csv" }) Assert.Contains(file, html, StringComparison.Ordinal);

        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "manifest.json")));
        string[] listed = [.. manifest.RootElement.GetProperty("files").EnumerateArray().Select(f => f.GetString()!)];
        Assert.Equal(Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal), listed);
        Assert.Equal(data.Seed, manifest.RootElement.GetProperty("seed").GetInt32());
        Assert.False(string.IsNullOrEmpty(manifest.RootElement.GetProperty("versions").GetProperty("ann2snn").GetString()));
    }

    [Fact]
    public void ReplacesAPreviousReportAndLeavesNoTemporaryFolders()
    {
        ReportData data = Build();
        string dir = Path.Combine(_root, "r");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "stale.txt"), "old");
        ReportWriter.Write(data, dir);
        Assert.False(File.Exists(Path.Combine(dir, "stale.txt")));
        Assert.True(File.Exists(Path.Combine(dir, "index.html")));
        Assert.Equal(["r"], Directory.GetFileSystemEntries(_root).Select(Path.GetFileName));
    }

    [Fact]
    public void SampleHashesEveryImageAndKeepsTheFirst()
    {
        float[] x = TestGraphs.Inputs(new Random(1), 10, 4);
        var data = new ArrayDataset(x, [.. Enumerable.Range(0, 10)], 4);
        ReportSample all = ReportSample.Read(data, 3, null, keep: 5);
        Assert.Equal(5, all.Count);
        Assert.Equal(x[..20], all.Images);
        Assert.Equal(all.Sha256, ReportSample.Read(data, 4, null, keep: 0).Sha256);
        Assert.NotEqual(all.Sha256, ReportSample.Read(data, 4, 9).Sha256);
    }
}
