using System.Globalization;
using Ann2Snn.Data;
using Ann2Snn.Tensors;
using Ann2Snn.Tests.TestUtil;
using static Ann2Snn.Tests.Data.DataFiles;

namespace Ann2Snn.Tests.Data;

/// <summary>
/// Scaling and normalization against torchvision's closed form <c>(x·S − mean[c]) / std[c]</c>, the reader's own scale set
/// (never applied twice), the checks of bad values, and the parsing of the options.
/// </summary>
public sealed class InputPreprocessingTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void NormalizesAsTheClosedFormOnRandomDataAndLayouts()
    {
        var rng = new Random(20240611);
        for (int trial = 0; trial < 300; trial++)
        {
            int c = rng.Next(1, 5), h = rng.Next(1, 7), w = rng.Next(1, 7), n = rng.Next(1, 6);
            var from = new Shape(c, h, w);
            // Every adaptation these samples allow, one chosen at random.
            var models = new List<Shape> { from, new(c * h * w), new(h, w, c) };
            if (c == 1) models.AddRange([new Shape(h, w), new Shape(3, h, w), new Shape(h, w, 3)]);
            Shape model = models[rng.Next(models.Count)];
            int channels = InputAdaptation.Choose(from, model)!.Channels;
            float scale = rng.Next(4) switch
            {
                0 => 1f / 255f,
                1 => 1f,
                _ => (float)Math.Exp((rng.NextDouble() * 8) - 4),
            };
            float[] mean = TestGraphs.Vector(rng, rng.Next(2) == 0 ? 1 : channels, -1f, 1f);
            float[] std = TestGraphs.Vector(rng, rng.Next(2) == 0 ? 1 : channels, 0.05f, 3f);
            float[] x = TestGraphs.Vector(rng, n * from.Size, 0f, 255f);
            var p = new InputPreprocessing { PixelScale = scale, Mean = mean, Std = std };

            var prepared = PreprocessedDataset.For(new ArrayDataset(x, new int[n], from), p, model, "m");
            float[] y = ReadAll(prepared, batchSize: rng.Next(1, n + 1)).Data;

            // The output through the adaptation alone, then the closed form at each output element of channel k.
            float[] laidOut = ReadAll(PreprocessedDataset.For(new ArrayDataset(x, new int[n], from), InputPreprocessing.Default, model,
                "m"), n).Data;
            bool last = prepared.Adaptation.ChannelsLast;
            int plane = h * w;
            for (int i = 0; i < y.Length; i++)
            {
                int e = i % model.Size, k = last ? e % channels : e / plane;
                double m = mean[mean.Length == 1 ? 0 : k], s = std[std.Length == 1 ? 0 : k];
                double expected = ((laidOut[i] * (double)scale) - m) / s;
                double tolerance = 1e-6 * (1 + (Math.Abs(laidOut[i] * (double)scale) + Math.Abs(m)) / s);
                Assert.True(Math.Abs(y[i] - expected) <= tolerance,
                    $"trial {trial}: {from} → {model}, element {i} (channel {k}): {y[i]}, closed form {expected}");
            }
        }
    }

    [Fact]
    public void SetsTheReadersScaleRatherThanScalingTwice()
    {
        var (images, labels) = WriteIdxPair(_dir, count: 4, rows: 3, cols: 2, gzip: true);
        IDataset idx = IdxDataset.Open(images, labels);
        float[] bytes = [.. Pattern(24).Select(b => (float)b)];

        Assert.Equal(bytes.Select(b => b / 255f), Read(idx, InputPreprocessing.Default));
        Assert.Equal(bytes.Select(b => b / 255f), Read(idx, new InputPreprocessing { PixelScale = 1f / 255f }));
        Assert.Equal(bytes, Read(idx, new InputPreprocessing { PixelScale = 1f }));
        Assert.Equal(bytes, Read(idx, new InputPreprocessing { ModelTakesBytes = true }));
        Assert.Equal(bytes.Select(b => b * 0.5f), Read(idx, new InputPreprocessing { PixelScale = 0.5f, ModelTakesBytes = true }));
        Assert.Equal(bytes.Select(b => ((b / 255f) - 0.5f) / 0.25f), Read(idx, new InputPreprocessing { Mean = [0.5f], Std = [0.25f] }));

        // A data set without a reader of its own: its values are the stored ones, scaled here.
        var array = new ArrayDataset(bytes, [0, 1, 2, 3], new Shape(1, 3, 2));
        Assert.Equal(bytes.Select(b => b / 255f), Read(array, new InputPreprocessing { PixelScale = 1f / 255f }));
        Assert.Equal(bytes, Read(array, InputPreprocessing.Default));
    }

    [Fact]
    public void SetsTheScaleOfTheBundledSetsToo()
    {
        IDataset mnist = DatasetResolver.Open("mnist", DatasetSplit.Test);
        float[] scaled = ReadAll(mnist, 8, 8).Data;
        float[] raw = Read(mnist, new InputPreprocessing { PixelScale = 1f }, 8);
        Assert.Equal(scaled, raw.Select(v => v / 255f));
        Assert.Contains(255f, raw);
        Assert.All(raw, v => Assert.Equal(MathF.Round(v), v));
    }

    [Fact]
    public void TheDefaultScaleHasOneRule()
    {
        Assert.Equal(1f / 255f, InputPreprocessing.DefaultScale(unsignedBytes: true));
        Assert.Equal(1f, InputPreprocessing.DefaultScale(unsignedBytes: false));
    }

    [Theory]
    [InlineData("--pixel-scale", 0f, "option '--pixel-scale': 0 must be positive and finite")]
    [InlineData("--pixel-scale", -1f, "option '--pixel-scale': -1 must be positive and finite")]
    [InlineData("--pixel-scale", float.NaN, "option '--pixel-scale': NaN must be positive and finite")]
    [InlineData("--pixel-scale", float.PositiveInfinity, "option '--pixel-scale': Infinity must be positive and finite")]
    [InlineData("--std", 0f, "option '--std': 0 must be positive and finite")]
    [InlineData("--std", -0.5f, "option '--std': -0.5 must be positive and finite")]
    [InlineData("--std", float.NaN, "option '--std': NaN must be positive and finite")]
    [InlineData("--std", float.PositiveInfinity, "option '--std': Infinity must be positive and finite")]
    [InlineData("--mean", float.NaN, "option '--mean': NaN must be finite")]
    [InlineData("--mean", float.NegativeInfinity, "option '--mean': -Infinity must be finite")]
    public void BadValuesAreRefusedNamingTheOptionAndTheValue(string option, float value, string message)
    {
        InputPreprocessing p = option switch
        {
            "--pixel-scale" => new() { PixelScale = value },
            "--std" => new() { Std = [value] },
            _ => new() { Mean = [value] },
        };
        Assert.Equal(message, Assert.Throws<InvalidOptionException>(p.Validate).Message);
        var data = new ArrayDataset(new float[4], [0], 4);
        Assert.Equal(message, Assert.Throws<InvalidOptionException>(() => PreprocessedDataset.For(data, p, new Shape(4), "m")).Message);
    }

    [Fact]
    public void ABadValueInAListIsNamedWithTheList()
    {
        var e = Assert.Throws<InvalidOptionException>(new InputPreprocessing { Std = [0.2f, 0f, 0.3f] }.Validate);
        Assert.Equal("option '--std': 0 (of 0.2,0,0.3) must be positive and finite", e.Message);
        e = Assert.Throws<InvalidOptionException>(new InputPreprocessing { Mean = [] }.Validate);
        Assert.StartsWith("option '--mean': no values", e.Message);
    }

    [Fact]
    public void ListsHoldOneValueOrOnePerChannel()
    {
        var gray = new ArrayDataset(new float[2 * 4], [0, 1], new Shape(1, 2, 2));
        var three = new InputPreprocessing { Mean = [0.485f, 0.456f, 0.406f], Std = [0.229f, 0.224f, 0.225f] };
        // ImageNet statistics fit a gray image replicated to three channels, not the gray image itself.
        Assert.Equal(3, PreprocessedDataset.For(gray, three, new Shape(3, 2, 2), "m").Adaptation.Channels);
        var e = Assert.Throws<InvalidOptionException>(() => PreprocessedDataset.For(gray, three, new Shape(1, 2, 2), "m"));
        Assert.Equal("option '--mean': 3 values (0.485,0.456,0.406) for samples of 1 channel; give one value, or 1", e.Message);
        var rgb = new ArrayDataset(new float[2 * 12], [0, 1], new Shape(3, 2, 2));
        e = Assert.Throws<InvalidOptionException>(() =>
            PreprocessedDataset.For(rgb, new InputPreprocessing { Std = [1f, 2f] }, new Shape(12), "m"));
        Assert.Equal("option '--std': 2 values (1,2) for samples of 3 channels; give one value, or 3", e.Message);
    }

    [Theory]
    [InlineData("0.5", 0.5f)]
    [InlineData("255", 255f)]
    [InlineData("1/255", 1f / 255f)]
    [InlineData(" 1 / 256 ", 1f / 256f)]
    [InlineData("3.9215687E-3", 0.0039215687f)]
    public void ParsesAScaleInTheInvariantCulture(string text, float value)
    {
        using var culture = new CommaDecimalCulture();
        Assert.Equal("0,5", 0.5f.ToString(CultureInfo.CurrentCulture));
        Assert.Equal(value, InputPreprocessing.ParseScale(text, "--pixel-scale"));
    }

    [Theory]
    [InlineData("0,5", "not a number")]
    [InlineData("abc", "not a number")]
    [InlineData("1/2/3", "not a number")]
    [InlineData("1/0", "must be positive and finite")]
    [InlineData("0", "must be positive and finite")]
    [InlineData("-0.1", "must be positive and finite")]
    [InlineData("1e40", "must be positive and finite")]
    public void RefusesABadScaleNamingTheOptionAndTheText(string text, string problem)
    {
        var e = Assert.Throws<InvalidOptionException>(() => InputPreprocessing.ParseScale(text, "--pixel-scale"));
        Assert.StartsWith($"option '--pixel-scale': '{text}'", e.Message);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void ParsesListsAndNamesTheBadItem()
    {
        Assert.Equal([0.485f, 0.456f, 0.406f], InputPreprocessing.ParseList("0.485, 0.456,0.406", "--mean"));
        Assert.Equal([0.1307f], InputPreprocessing.ParseList("0.1307", "--mean"));
        var e = Assert.Throws<InvalidOptionException>(() => InputPreprocessing.ParseList("0.1,x", "--mean"));
        Assert.StartsWith("option '--mean': 'x' in '0.1,x' is not a number", e.Message);
        e = Assert.Throws<InvalidOptionException>(() => InputPreprocessing.ParseList("", "--std"));
        Assert.StartsWith("option '--std': '' in '' is not a number", e.Message);
    }

    [Fact]
    public void ExplicitValuesOverrideStoredOnes()
    {
        var stored = new InputPreprocessing { PixelScale = 1f, Mean = [0.1307f], Std = [0.3081f] };
        Assert.Equal(stored, InputPreprocessing.Default.Over(stored));
        Assert.Equal(stored with { Mean = [0f] }, new InputPreprocessing { Mean = [0f] }.Over(stored));
        Assert.Equal(stored with { PixelScale = 0.5f }, new InputPreprocessing { PixelScale = 0.5f }.Over(stored));
        Assert.Equal(stored, stored.Over(null));
        Assert.NotEqual(stored, stored with { Std = [0.3082f] });
        Assert.Equal(stored.GetHashCode(), (stored with { Mean = [0.1307f] }).GetHashCode());
    }

    private static float[] Read(IDataset data, InputPreprocessing p, int? limit = null) =>
        ReadAll(PreprocessedDataset.For(data, p, data.SampleShape, "m"), batchSize: 3, limit).Data;
}
