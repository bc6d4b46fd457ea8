using Ann2Snn.Onnx;
using Ann2Snn.Tests.Ann;
using Ann2Snn.Tests.TestUtil;
using Onnx;

namespace Ann2Snn.Tests.Onnx;

/// <summary>
/// GatherElements and GatherND with constant indices: random shapes, axes, batch_dims and indices (negative ones
/// among them) against ONNX Runtime; indices that differ between samples, change the batch or fall outside the data
/// are refused, naming the node.
/// </summary>
public sealed class OnnxImporterIndexedGatherTests
{
    [Fact]
    public void Random_GatherElements_agree_with_OnnxRuntime()
    {
        var failures = new List<string>();
        for (int seed = 1; seed <= 40; seed++)
        {
            var rng = new Random(seed);
            int[] dims = RandomDims(rng);
            int rank = dims.Length, n = dims[0], axis = rng.Next(rank);
            int[] indexDims = [.. dims.Select((d, a) => a == 0 ? n : a == axis ? rng.Next(1, 5) : rng.Next(1, d + 1))];
            long[] sample = RandomIndices(rng, indexDims.Skip(1).Aggregate(1, (p, d) => p * d), dims[axis]);
            // Along axis 0 a sample may only read itself: index b, or b − N.
            long[] indices = axis == 0
                ? [.. Enumerable.Range(0, n).SelectMany(b => sample.Select(v => v < 0 ? (long)b - n : b))]
                : [.. Enumerable.Repeat(sample, n).SelectMany(r => r)];
            byte[] model = new OnnxBuilder(11 + (seed % 3) * 2).InputWithDims("x", [.. dims.Select(d => (Dim)d)])
                .Initializer(OnnxBuilder.Int64Tensor("i", indexDims, indices))
                .NamedNode("pick", "GatherElements", ["x", "i"], ["y"], OnnxAttr.Int("axis", axis - (seed % 2) * rank)).Output("y")
                .ToBytes();
            string what = $"seed {seed}: GatherElements data [{string.Join(", ", dims)}], indices [{string.Join(", ", indexDims)}], "
                + $"axis {axis}";
            if (OnnxRuntimeAgreementTests.Disagreement(model, dims[1..], n, seed, what) is { } r) failures.Add(r);
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of 40 disagree:\n" + string.Join("\n\n", failures.Take(3)));
    }

    [Fact]
    public void Random_GatherND_agree_with_OnnxRuntime()
    {
        var failures = new List<string>();
        for (int seed = 1; seed <= 40; seed++)
        {
            var rng = new Random(seed);
            int[] dims = RandomDims(rng);
            int rank = dims.Length, n = dims[0];
            int batchDims = rng.Next(Math.Min(rank, 3)), m = rng.Next(1, rank - batchDims + 1);
            int extra = rng.Next(2);
            // The output keeps the batch axis and at least one more.
            if (Math.Max(batchDims, 1) + extra + (rank - batchDims - m) < 2) extra++;
            int[] indexDims = [.. dims[..Math.Max(batchDims, 1)], .. Enumerable.Range(0, extra).Select(_ => rng.Next(1, 4)), m];
            int perSample = indexDims[1..^1].Aggregate(1, (p, d) => p * d);
            long[] sample = new long[perSample * m];
            for (int t = 0; t < perSample; t++)
            {
                for (int k = 0; k < m; k++) sample[t * m + k] = RandomIndices(rng, 1, dims[batchDims + k])[0];
            }
            var indices = new long[n * sample.Length];
            for (int b = 0; b < n; b++)
            {
                for (int j = 0; j < sample.Length; j++)
                {
                    // With batch_dims 0 each tuple's first component is the sample's own position (b, or b − N).
                    bool own = batchDims == 0 && j % m == 0;
                    indices[b * sample.Length + j] = own ? (sample[j] < 0 ? b - n : b) : sample[j];
                }
            }
            int opset = batchDims == 0 ? 11 + (seed % 3) : 12 + (seed % 2);
            var builder = new OnnxBuilder(opset).InputWithDims("x", [.. dims.Select(d => (Dim)d)])
                .Initializer(OnnxBuilder.Int64Tensor("i", indexDims, indices));
            byte[] model = (batchDims == 0 && opset == 11
                    ? builder.NamedNode("pick", "GatherND", ["x", "i"], ["y"])
                    : builder.NamedNode("pick", "GatherND", ["x", "i"], ["y"], OnnxAttr.Int("batch_dims", batchDims)))
                .Output("y").ToBytes();
            string what = $"seed {seed}: GatherND data [{string.Join(", ", dims)}], indices [{string.Join(", ", indexDims)}], "
                + $"batch_dims {batchDims}";
            if (OnnxRuntimeAgreementTests.Disagreement(model, dims[1..], n, seed, what) is { } r) failures.Add(r);
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of 40 disagree:\n" + string.Join("\n\n", failures.Take(3)));
    }

    [Theory]
    [InlineData("GatherElements", new long[] { 0, 1, 1, 0 }, "differ along axis 0, the batch")]
    [InlineData("GatherElements", new long[] { 0, 1, 0, 2 }, "index 2 is out of range for axis 1 of size 2")]
    [InlineData("GatherElements", new long[] { 0, -3, 0, 1 }, "index -3 is out of range for axis 1 of size 2")]
    [InlineData("GatherND", new long[] { 0, 1, 1, 0 }, "differ along axis 0, the batch")]
    [InlineData("GatherND", new long[] { 1, 0, 0, 1 }, "differ along axis 0, the batch")]
    [InlineData("GatherND", new long[] { 0, 1, 1, 5 }, "index 5 is out of range for axis 1 of size 2")]
    public void Bad_indices_are_refused_naming_the_node(string op, long[] indices, string expected)
    {
        // data [2, 2] (the batch fixed at 2); GatherElements indices [2, 2] along axis 1, GatherND tuples [2, 1, 2].
        int[] indexDims = op == "GatherND" ? [2, 1, 2] : [2, 2];
        var b = new OnnxBuilder(13).InputWithDims("x", [2, 2]).Initializer(OnnxBuilder.Int64Tensor("i", indexDims, indices));
        AttributeProto[] attributes = op == "GatherND" ? [] : [OnnxAttr.Int("axis", 1)];
        b.NamedNode("pick", op, ["x", "i"], ["y"], attributes);
        var ex = Assert.ThrowsAny<Ann2SnnException>(() => OnnxImporter.Load(b.Output("y").ToBytes(), "bad.onnx"));
        Assert.Contains("node 'pick'", ex.Message);
        Assert.Contains(expected, ex.Message);
    }

    [Theory]
    [InlineData(3, "axis 0 (the batch) changes size, 3 to 2")]
    [InlineData(0, "fix axis 0 (the batch) at 2, but the input's batch is symbolic")]
    public void Indices_that_do_not_keep_the_batch_are_refused(int batch, string expected)
    {
        Dim first = batch == 0 ? OnnxBuilder.BatchParam : batch;
        foreach (string op in new[] { "GatherElements", "GatherND" })
        {
            int[] indexDims = op == "GatherND" ? [2, 1, 1] : [2, 2];
            long[] indices = new long[indexDims.Aggregate(1, (p, d) => p * d)];
            byte[] model = new OnnxBuilder(13).InputWithDims("x", [first, 2])
                .Initializer(OnnxBuilder.Int64Tensor("i", indexDims, indices)).NamedNode("pick", op, ["x", "i"], ["y"]).Output("y")
                .ToBytes();
            var ex = Assert.Throws<UnsupportedOperatorException>(() => OnnxImporter.Load(model, "batch.onnx"));
            Assert.Contains("node 'pick'", ex.Message);
            Assert.Contains(expected, ex.Message);
        }
    }

    /// <summary>Full data dims, batch first: rank 2–4, the batch 1–3, the rest 1–4.</summary>
    private static int[] RandomDims(Random rng) =>
        [rng.Next(1, 4), .. Enumerable.Range(0, rng.Next(1, 4)).Select(_ => rng.Next(1, 5))];

    /// <summary><paramref name="count"/> indices into an axis of <paramref name="size"/>, about a third of them negative.</summary>
    private static long[] RandomIndices(Random rng, int count, int size) =>
        [.. Enumerable.Range(0, count).Select(_ => (long)rng.Next(size) - (rng.Next(3) == 0 ? size : 0))];
}
