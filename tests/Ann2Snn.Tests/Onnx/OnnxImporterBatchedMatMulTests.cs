using Ann2Snn.Graph;
using Ann2Snn.Tests.Ann;
using Ann2Snn.Tests.TestUtil;

namespace Ann2Snn.Tests.Onnx;

/// <summary>
/// MatMul of a sample [..., m, k] by a constant [..., k, n] or [k], with NumPy broadcasting of the leading axes: random
/// shapes against ONNX Runtime; a constant whose leading axes are all 1 (a Linear over tokens) is one Dense node on the last
/// axis with the following Add as its bias; a constant whose leading axes reach the batch with sizes other than 1 is refused
/// by name.
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
    public void Random_MatMul_over_tokens_with_a_bias_imports_as_one_dense_over_tokens_and_agrees_with_OnnxRuntime()
    {
        var failures = new List<string>();
        for (int seed = 1; seed <= 24; seed++)
        {
            var rng = new Random(seed);
            int n = rng.Next(1, 4), k = rng.Next(1, 6), cols = rng.Next(1, 6);
            // A of rank 3 or 4 with the batch: [N, t, k] or [N, h, t, k]; B [k, n] with leading 1s, no more axes than A (a
            // B of higher rank would put a 1 before the batch axis of the product).
            int[] aDims = seed % 2 == 0 ? [n, rng.Next(1, 5), k] : [n, rng.Next(1, 4), rng.Next(1, 5), k];
            int[] bDims = [.. Enumerable.Repeat(1, rng.Next(aDims.Length - 1)), k, cols];
            // The bias along the last axis as PyTorch writes it ([n]) or broadcast ([1, n], [1, 1, n], a scalar), either order;
            // or none.
            int[][] biasShapes = [[cols], [1, cols], [1, 1, cols], [], [1]];
            int[]? biasDims = rng.Next(5) == 0 ? null : biasShapes[rng.Next(biasShapes.Length)];
            var builder = new OnnxBuilder(13, $"token_dense_{seed}").InputWithDims("x", [.. aDims.Select(d => (Dim)d)])
                .Initializer("b", bDims, TestData.Uniform(seed, bDims.Aggregate(1, (p, d) => p * d)))
                .NamedNode("mm", "MatMul", ["x", "b"], [biasDims is null ? "y" : "p"]);
            if (biasDims is not null)
            {
                builder.Initializer("c", biasDims, TestData.Uniform(seed + 50, biasDims.Aggregate(1, (p, d) => p * d)))
                    .NamedNode("add", "Add", seed % 3 == 0 ? ["c", "p"] : ["p", "c"], ["y"]);
            }
            byte[] model = builder.Output("y").ToBytes();
            string what = $"seed {seed}: A [{string.Join(", ", aDims)}] × B [{string.Join(", ", bDims)}]"
                + (biasDims is null ? "" : $" + [{string.Join(", ", biasDims)}]");
            ModelGraph g = Ann2Snn.Onnx.OnnxImporter.Load(model, "token_dense.onnx");
            // One dense node on the last axis (its bias the Add's), no flatten, block-diagonal weights or separate shift.
            DenseNode dense = Assert.Single(g.Nodes.OfType<DenseNode>());
            Assert.Equal([cols, k], dense.Weight.Shape.ToArray());
            Assert.Equal(aDims[1..^1].Aggregate(1, (p, d) => p * d), dense.Positions);
            Assert.Equal(biasDims is not null, dense.Bias is not null);
            Assert.DoesNotContain(g.Nodes, x => x is ReshapeNode or ScaleShiftNode or AddNode);
            if (OnnxRuntimeAgreementTests.Disagreement(model, aDims[1..], n, seed, what) is { } r) failures.Add(r);
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of 24 disagree:\n" + string.Join("\n\n", failures.Take(3)));
    }

    [Fact]
    public void A_bias_that_differs_between_tokens_stays_an_add_and_still_agrees()
    {
        byte[] model = new OnnxBuilder(13).InputWithDims("x", [2, 3, 4])
            .Initializer("b", [4, 5], TestData.Uniform(1, 20)).Initializer("c", [3, 5], TestData.Uniform(2, 15))
            .NamedNode("mm", "MatMul", ["x", "b"], ["p"]).NamedNode("add", "Add", ["p", "c"], ["y"]).Output("y")
            .ToBytes();
        ModelGraph g = Ann2Snn.Onnx.OnnxImporter.Load(model, "per_token_bias.onnx");
        Assert.Null(Assert.Single(g.Nodes.OfType<DenseNode>()).Bias);
        Assert.Null(OnnxRuntimeAgreementTests.Disagreement(model, [3, 4], 2, 1, "bias per token"));
    }

    [Fact]
    public void A_constant_of_higher_rank_than_the_input_is_refused_naming_the_node()
    {
        // ONNX Runtime's product would be [1, N, 3, 5]: an axis before the batch.
        byte[] model = new OnnxBuilder(13).InputWithDims("x", [2, 3, 4])
            .Initializer("b", [1, 1, 4, 5], new float[20])
            .NamedNode("mm", "MatMul", ["x", "b"], ["y"]).Output("y")
            .ToBytes();
        var e = Assert.ThrowsAny<Ann2SnnException>(() => Ann2Snn.Onnx.OnnxImporter.Load(model, "bad.onnx"));
        Assert.Contains("'mm'", e.Message, StringComparison.Ordinal);
        Assert.Contains("an axis before the batch axis", e.Message, StringComparison.Ordinal);
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
