using Ann2Snn.Simulation;
using Ann2Snn.Snn;
using Ann2Snn.Tensors;

namespace Ann2Snn.Tests.Simulation;

/// <summary>
/// The spike-equivalent operators' defining property, on random shapes and currents: whatever the currents aₜ, the
/// values a layer emits over T steps sum to T·f(mean input), the ANN's operator on the mean, in both evaluation modes
/// (the incremental mode exactly for the product, and for the other operators on every row that had input in the last
/// step); the incremental product does work in proportion to the non-zero inputs.
/// </summary>
public sealed class OperatorCircuitTests
{
    public static TheoryData<OperatorKind, int> Cases()
    {
        var data = new TheoryData<OperatorKind, int>();
        foreach (OperatorKind op in Enum.GetValues<OperatorKind>())
        {
            for (int seed = 1; seed <= 6; seed++) data.Add(op, seed);
        }
        return data;
    }

    internal static Operand Fed(Shape shape, int source = 0) => new(shape, [new Projection(source, [new ScaleOp(shape, [1f])])]);

    /// <summary>A random operator layer of <paramref name="op"/> with random shapes (broadcast leading axes for the product).</summary>
    internal static OperatorLayer RandomLayer(OperatorKind op, Random rng)
    {
        Shape RandomShape(int minRank, int maxRank) =>
            new(Enumerable.Range(0, rng.Next(minRank, maxRank + 1)).Select(_ => rng.Next(1, 6)).ToArray());
        switch (op)
        {
            case OperatorKind.Softmax:
                return OperatorLayer.Softmax("op", Fed(RandomShape(1, 3)));
            case OperatorKind.Gelu:
                return OperatorLayer.Gelu("op", Fed(RandomShape(1, 3)));
            case OperatorKind.LayerNorm:
                {
                    Shape s = RandomShape(1, 3);
                    int axes = rng.Next(1, s.Rank + 1), d = 1;
                    for (int a = s.Rank - axes; a < s.Rank; a++) d *= s[a];
                    float[] gamma = Enumerable.Range(0, d).Select(_ => (float)(rng.NextDouble() * 2 - 0.5)).ToArray();
                    float[] beta = Enumerable.Range(0, d).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
                    return OperatorLayer.LayerNorm("op", Fed(s), gamma, beta, 1e-3f, axes);
                }
            default:
                {
                    int batch = rng.Next(0, 3), m = rng.Next(1, 6), k = rng.Next(1, 6), n = rng.Next(1, 6);
                    int[] lead = Enumerable.Range(0, batch).Select(_ => rng.Next(1, 4)).ToArray();
                    int[] leadA = lead.Select(d => rng.Next(3) == 0 ? 1 : d).ToArray();
                    int[] leadB = lead.Select(d => rng.Next(3) == 0 ? 1 : d).Skip(rng.Next(0, batch + 1)).ToArray();
                    return OperatorLayer.MatMul("op", Fed(new Shape([.. leadA, m, k])), Fed(new Shape([.. leadB, k, n]), 1));
                }
        }
    }

    /// <summary>
    /// Runs <paramref name="layer"/>'s circuit for <paramref name="steps"/> steps on n images with currents from
    /// <paramref name="current"/>; returns the emitted values summed per image, each operand's currents summed, and the
    /// operations counted.
    /// </summary>
    internal static (double[][] Sums, double[][][] Inputs, long Ops) Run(OperatorLayer layer, OperatorEvaluation mode, int n, int steps,
        Func<int, int, int, int, float> current, Action<int, float[]>? onStep = null)
    {
        var circuit = new OperatorCircuit(layer, [.. layer.Projections.Select(p => new CompiledProjection(p))], mode);
        OperatorCircuit.State state = circuit.NewState(n);
        state.Clear();
        var output = new float[n * circuit.OutSize];
        double[][] sums = [.. Enumerable.Range(0, n).Select(_ => new double[circuit.OutSize])];
        double[][][] inputs = [.. Enumerable.Range(0, n).Select(_ => circuit.OperandSizes.Select(s => new double[s]).ToArray())];
        long ops = 0;
        for (int t = 0; t < steps; t++)
        {
            for (int x = 0; x < circuit.Operands.Length; x++)
            {
                int size = circuit.OperandSizes[x];
                for (int b = 0; b < n; b++)
                {
                    for (int i = 0; i < size; i++) inputs[b][x][i] += state.Current[x][b * size + i] = current(t, x, b, i);
                }
            }
            ops += circuit.Step(state, n, t, output);
            for (int b = 0; b < n; b++)
            {
                for (int i = 0; i < circuit.OutSize; i++) sums[b][i] += output[b * circuit.OutSize + i];
            }
            onStep?.Invoke(t, output);
        }
        return (sums, inputs, ops);
    }

    private static double[] Expected(OperatorLayer layer, double[][] inputs, int steps) =>
        OperatorReference.Apply(layer, [.. inputs[0].Select(v => v / steps)],
            inputs.Length > 1 ? [.. inputs[1].Select(v => v / steps)] : null).Select(v => v * steps).ToArray();

    private static void AssertClose(double[] expected, double[] actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * (1 + Math.Abs(expected[i])),
                $"{what}: element {i} is {actual[i]}, T·f(mean) = {expected[i]}");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void WindowSumIsTTimesTheOperatorOnTheMeanInput(OperatorKind op, int seed)
    {
        var rng = new Random(seed);
        OperatorLayer layer = RandomLayer(op, rng);
        int steps = rng.Next(1, 40);
        // Spikes (−1, 0, +1) and real currents alike: the property holds for any sequence.
        bool spikes = seed % 2 == 0;
        float[,,,] a = new float[steps, 2, 2, layer.Operands.Max(o => o.Shape.Size)];
        foreach (int t in Enumerable.Range(0, steps))
        {
            for (int x = 0; x < 2; x++)
            {
                for (int b = 0; b < 2; b++)
                {
                    for (int i = 0; i < a.GetLength(3); i++) a[t, x, b, i] = spikes ? rng.Next(-1, 2) : (float)(rng.NextDouble() * 4 - 2);
                }
            }
        }
        foreach (OperatorEvaluation mode in (OperatorEvaluation[])[OperatorEvaluation.Exact, OperatorEvaluation.Incremental])
        {
            var (sums, inputs, _) = Run(layer, mode, 2, steps, (t, x, b, i) => a[t, x, b, i]);
            for (int b = 0; b < 2; b++)
            {
                double[] expected = Expected(layer, inputs[b], steps);
                if (mode == OperatorEvaluation.Incremental && op != OperatorKind.MatMul)
                {
                    // Exact on every row that had input in the last step; the others hold an earlier value of f.
                    int row = op == OperatorKind.Gelu ? 1 : op == OperatorKind.Softmax ? layer.Shape[^1] : layer.NormalizedSize;
                    for (int r = 0; r < expected.Length; r += row)
                    {
                        bool fed = Enumerable.Range(r, row).Any(i => a[steps - 1, 0, b, i] != 0f);
                        if (!fed) continue;
                        AssertClose(expected[r..(r + row)], sums[b][r..(r + row)], 2e-4 * steps, $"{op} incremental row {r}");
                    }
                    continue;
                }
                AssertClose(expected, sums[b], 2e-4 * steps, $"{op} {mode}");
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void IncrementalProductWorksInProportionToTheNonZeroInputs(int seed)
    {
        var rng = new Random(seed);
        var layer = OperatorLayer.MatMul("qk", Fed(new Shape(4, 16, 8)), Fed(new Shape(4, 8, 16), 1));
        const int steps = 32;
        // Sparse spikes: about one input in ten is ±1 each step.
        float[] spikes = Enumerable.Range(0, steps * 2 * 512).Select(_ => rng.Next(20) switch { 0 => 1f, 1 => -1f, _ => 0f }).ToArray();
        float Current(int t, int x, int b, int i) => spikes[(t * 2 + x) * 512 + i];
        var exact = Run(layer, OperatorEvaluation.Exact, 1, steps, Current);
        var incremental = Run(layer, OperatorEvaluation.Incremental, 1, steps, Current);
        AssertClose(exact.Sums[0], incremental.Sums[0], 1e-4 * steps, "incremental against exact");
        // Exact: 4·16·8·16 MACs per step; incremental: n per non-zero of a, m per non-zero of b (plus bookkeeping).
        long nonZero = spikes.Count(v => v != 0f);
        long bookkeeping = steps * (2L * 512 + 2L * 1024);
        Assert.Equal(steps * (4L * 16 * 8 * 16) + bookkeeping, exact.Ops);
        Assert.Equal(nonZero * 16 + bookkeeping, incremental.Ops);
        Assert.True(incremental.Ops < exact.Ops / 2, $"incremental {incremental.Ops} ops, exact {exact.Ops}");
    }

    [Fact]
    public void IncrementalRowsSkipRowsWithoutInput()
    {
        var layer = OperatorLayer.Softmax("p", Fed(new Shape(3, 5)));
        // Row 1 gets input only at step 0; rows 0 and 2 every step.
        float Current(int t, int x, int b, int i) => i / 5 == 1 && t > 0 ? 0f : 0.5f + 0.1f * (i % 5) - 0.05f * t;
        var exact = Run(layer, OperatorEvaluation.Exact, 1, 10, Current);
        var incremental = Run(layer, OperatorEvaluation.Incremental, 1, 10, Current);
        Assert.Equal(exact.Ops - 9L * 6 * 5, incremental.Ops); // nine steps skip row 1's 5 elements × (1 + softmax's 5)
        AssertClose(exact.Sums[0][..5], incremental.Sums[0][..5], 1e-4, "row 0");
        // Row 1 held its first value of f; softmax rows still sum to T.
        Assert.Equal(10, incremental.Sums[0][5..10].Sum(), 3);
    }
}
