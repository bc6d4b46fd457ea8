using Ann2Snn.Tests.Ann;
using Ann2Snn.Tests.TestUtil;

namespace Ann2Snn.Tests.Onnx;

/// <summary>
/// MatMul of a sample [..., m, k] by a constant [..., k, n] or [k], with NumPy broadcasting of the leading axes: random
/// shapes against ONNX Runtime; a constant whose leading axes reach the batch with sizes other than 1 is refused by name.
/// </summary>
public sealed class OnnxImporterBatchedMatMulTests
{
    [Fact]
    public void Random_batched_MatMul_by_a_constant_agrees_with_OnnxRuntime()
    {
        var failures = new List<string>();
        for (int seed = 1; seed <= 30; seed++)
        {
            var rng = new Random(seed);
            int n = rng.Next(1, 4), m = rng.Next(1, 5), k = rng.Next(1, 5), cols = rng.Next(1, 5);
            int[] lead = [.. Enumerable.Range(0, rng.Next(0, 2)).Select(_ => rng.Next(1, 4))]; // inputs have rank ≤ 4 with the batch
            // B's leading axes: a suffix of A's, each either the same size or 1 (broadcast), or A's axis 1 against B's size.
            int[] aLead = [.. lead.Select(d => rng.Next(3) == 0 ? 1 : d)];
            int[] bLead = [.. lead.Skip(rng.Next(lead.Length + 1)).Select((d, i) => rng.Next(3) == 0 ? 1 : d)];
            bool vector = bLead.Length == 0 && rng.Next(4) == 0;
            int[] aDims = [n, .. aLead, m, k];
            int[] bDims = vector ? [k] : [.. bLead, k, cols];
            // Where A has 1 and B has more, the product takes B's size: fine; A's own sizes must agree with B's where both > 1.
            for (int i = 0; i < bLead.Length; i++)
            {
                int a = aDims[1 + aLead.Length - bLead.Length + i];
                if (a != 1 && bLead[i] != 1 && a != bLead[i]) bDims[i] = a;
            }
            float[] b = [.. Enumerable.Range(0, bDims.Aggregate(1, (p, d) => p * d)).Select(_ => (float)(rng.NextDouble() * 2 - 1))];
            byte[] model = new OnnxBuilder(9 + seed % 5).InputWithDims("x", [.. aDims.Select(d => (Dim)d)])
                .Initializer("b", bDims, b)
                .NamedNode("mm", "MatMul", ["x", "b"], ["y"]).Output("y")
                .ToBytes();
            string what = $"seed {seed}: A [{string.Join(", ", aDims)}] × B [{string.Join(", ", bDims)}]";
            if (OnnxRuntimeAgreementTests.Disagreement(model, aDims[1..], n, seed, what) is { } r) failures.Add(r);
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of 30 disagree:\n" + string.Join("\n\n", failures.Take(3)));
    }

    [Fact]
    public void A_constant_that_differs_along_the_batch_is_refused_naming_the_node()
    {
        byte[] model = new OnnxBuilder(13).InputWithDims("x", [2, 3, 4])
            .Initializer("b", [2, 4, 3], new float[24])
            .NamedNode("mm", "MatMul", ["x", "b"], ["y"]).Output("y")
            .ToBytes();
        var e = Assert.ThrowsAny<Ann2SnnException>(() => Ann2Snn.Onnx.OnnxImporter.Load(model, "bad.onnx"));
        Assert.Contains("'mm'", e.Message, StringComparison.Ordinal);
        Assert.Contains("batch axis", e.Message, StringComparison.Ordinal);
    }
}
