using Ann2Snn.Conversion;
using Ann2Snn.Data;
using Ann2Snn.Kernels;
using Ann2Snn.Neurons;
using Ann2Snn.Simulation;
using Ann2Snn.Simulation.Dense;
using Ann2Snn.Simulation.Event;
using Ann2Snn.Snn;
using Ann2Snn.Tensors;
using Ann2Snn.Tests.TestUtil;

namespace Ann2Snn.Tests.Snn;

/// <summary>
/// Dense synapses over tokens and selections: each equals the matrix it replaces (a block-diagonal dense map, a 0/1 matrix)
/// in the reference, the simulators' compiled kernels and the chain simplifier, on random shapes; spikes through them count
/// their fan-out as synaptic events.
/// </summary>
public sealed class TokenSynapseTests
{
    /// <summary>[P₁, …, In] with one or two leading axes, and a weight [Out, In].</summary>
    private static TokenDenseOp RandomTokenDense(Random rng)
    {
        int ins = rng.Next(1, 7), outs = rng.Next(1, 7);
        int[] lead = [.. Enumerable.Range(0, rng.Next(1, 3)).Select(_ => rng.Next(1, 5))];
        return new TokenDenseOp(new Shape([.. lead, ins]), TestGraphs.Random(rng, 1f, outs, ins));
    }

    /// <summary>W repeated on the diagonal of a [P·Out, P·In] matrix, written out here independently of the op.</summary>
    private static DenseOp BlockDiagonal(TokenDenseOp t)
    {
        int p = t.Positions, outs = t.OutFeatures, ins = t.InFeatures;
        var w = new float[p * outs * p * ins];
        for (int k = 0; k < p; k++)
        {
            for (int o = 0; o < outs; o++)
            {
                for (int i = 0; i < ins; i++) w[(k * outs + o) * p * ins + k * ins + i] = t.Weight.Data[o * ins + i];
            }
        }
        return new DenseOp(new Shape(p * ins), new FloatTensor([p * outs, p * ins], w));
    }

    private static SelectOp RandomSelect(Random rng)
    {
        var input = new Shape(rng.Next(1, 5), rng.Next(1, 6));
        var output = new Shape(rng.Next(1, 4), rng.Next(1, 6));
        // Some inputs read twice, some never.
        return new SelectOp(input, [.. Enumerable.Range(0, output.Size).Select(_ => rng.Next(input.Size))], output);
    }

    private static DenseOp ZeroOne(SelectOp s)
    {
        int cols = s.InputShape.Size;
        var w = new float[s.OutputShape.Size * cols];
        for (int i = 0; i < s.OutputShape.Size; i++) w[i * cols + s.Map[i]] = 1f;
        return new DenseOp(new Shape(cols), new FloatTensor([s.OutputShape.Size, cols], w));
    }

    /// <summary>The op and its matrix on n random samples: reference, compiled kernel (all n at once) and the event composer.</summary>
    private static void AssertSameMap(SynapticOp op, DenseOp matrix, Random rng, string what)
    {
        const int n = 3;
        int inSize = op.InputShape.Size, outSize = op.OutputShape.Size;
        float[] x = TestGraphs.Vector(rng, n * inSize, -1f, 1f);
        var compiled = new float[n * outSize];
        CompiledOp.Compile(op).Apply(x, n, compiled);
        for (int b = 0; b < n; b++)
        {
            float[] expected = SynapticOpReference.Apply(matrix, x.AsSpan(b * inSize, inSize));
            float[] actual = SynapticOpReference.Apply(op, x.AsSpan(b * inSize, inSize));
            for (int i = 0; i < outSize; i++)
            {
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5f, $"{what}: reference output {i}: {actual[i]} vs {expected[i]}");
                Assert.True(Math.Abs(expected[i] - compiled[b * outSize + i]) <= 1e-5f,
                    $"{what}: compiled sample {b} output {i}: {compiled[b * outSize + i]} vs {expected[i]}");
            }
        }
        // One spike of each source through the event backend's fan-out table is the matrix's column.
        FanOutTable table = FanOutTable.TryCompose([op], null, LayerLayout.Canonical(op.OutputShape), 1f, 1 << 20)!;
        for (int j = 0; j < inSize; j++)
        {
            var y = new float[outSize];
            if (table.DenseRows is { } rows) SpikeScatter.AddRows(rows, table.RowOf ?? [], [j], y);
            else SpikeScatter.AddSparse(table.Offsets, table.Indices, table.Weights, [j], y);
            for (int i = 0; i < outSize; i++) Assert.Equal(matrix.Weight.Data[i * inSize + j], y[i]);
        }
    }

    [Fact]
    public void TokenDenseEqualsItsBlockDiagonalDenseMap()
    {
        for (int seed = 1; seed <= 40; seed++)
        {
            var rng = new Random(seed);
            TokenDenseOp t = RandomTokenDense(rng);
            string what = $"seed {seed}: {t.InputShape} → {t.OutputShape}";
            Assert.Equal(t.InputShape.Size / t.InFeatures, t.Positions);
            Assert.Equal([.. t.InputShape.ToArray()[..^1], t.OutFeatures], t.OutputShape.ToArray());
            Assert.Equal(t.OutFeatures, t.FanOut);
            Assert.Equal(t.OutFeatures, FanOutTable.FanOutBound([t]));
            AssertSameMap(t, BlockDiagonal(t), rng, what);
            DenseOp expanded = t.Expanded();
            Assert.Equal(BlockDiagonal(t).Weight.Data, expanded.Weight.Data);
        }
    }

    [Fact]
    public void SelectionEqualsItsZeroOneMatrix()
    {
        for (int seed = 1; seed <= 40; seed++)
        {
            var rng = new Random(seed);
            SelectOp s = RandomSelect(rng);
            int[] reads = new int[s.InputShape.Size];
            foreach (int m in s.Map) reads[m]++;
            Assert.Equal((double)s.OutputShape.Size / s.InputShape.Size, s.FanOut);
            Assert.Equal(reads.Max(), s.MaxFanOut());
            Assert.Equal(reads.Max(), FanOutTable.FanOutBound([s]));
            AssertSameMap(s, ZeroOne(s), rng, $"seed {seed}: {s.InputShape} → {s.OutputShape}");
            Assert.Equal(ZeroOne(s).Weight.Data, s.Expanded().Weight.Data);
        }
    }

    [Fact]
    public void GainsFoldIntoTokenDenseWhenEqualAtEveryTokenAndMovePastSelections()
    {
        var rng = new Random(3);
        var x = new Shape(3, 4);
        var t = new TokenDenseOp(x, TestGraphs.Random(rng, 1f, 5, 4));
        var transpose = new SelectOp(t.OutputShape, [.. Enumerable.Range(0, 15).Select(i => i % 3 * 5 + i / 3)], new Shape(5, 3));
        float[] perFeature = [.. Enumerable.Range(0, 12).Select(i => 0.5f + (i % 4))], perToken = [0.5f, 1f, 2f];
        SynapticOp[][] chains =
        [
            [new ScaleOp(x, perFeature), t, new ScaleOp(t.OutputShape, [.. Enumerable.Range(0, 15).Select(i => 1f + (i % 5))])],
            [new ScaleOp(x, perToken), t, transpose],
            [new ScaleOp(x, [2f]), new SelectOp(x, [.. Enumerable.Range(0, 12).Select(i => 11 - i)], x), t],
        ];
        int[] expectedScales = [0, 1, 0];
        for (int c = 0; c < chains.Length; c++)
        {
            IReadOnlyList<SynapticOp> simple = ChainSimplifier.Simplify(chains[c]);
            Assert.Equal(expectedScales[c], simple.Count(o => o is ScaleOp));
            float[] input = TestGraphs.Vector(rng, x.Size, -1f, 1f), a = input, b = input;
            foreach (SynapticOp op in chains[c]) a = SynapticOpReference.Apply(op, a);
            foreach (SynapticOp op in simple) b = SynapticOpReference.Apply(op, b);
            for (int i = 0; i < a.Length; i++) Assert.Equal(a[i], b[i], 1e-5f);
        }
    }

    [Theory]
    [InlineData("dense")]
    [InlineData("event")]
    public void SpikesThroughTokenDenseAndSelectionsCountTheirFanOutAsSynapticEvents(string backend)
    {
        // p [3, 5] from the input over tokens; q [5, 3] its transpose; the readout reads p over tokens (Out = 2) and q's first row.
        var rng = new Random(5);
        Shape x = new(3, 4), p = new(3, 5), q = new(5, 3);
        NeuronParameters neuron = NeuronParameters.IntegrateAndFire(1f, initialFraction: 0.5f);
        int[] transpose = [.. Enumerable.Range(0, 15).Select(i => i % 3 * 5 + i / 3)];
        var readout = new TokenDenseOp(p, TestGraphs.Random(rng, 1f, 2, 5));
        var net = new SpikingNetwork("tokens", x,
        [
            new NeuronLayer("p", p, neuron, [new Projection(-1, [new TokenDenseOp(x, TestGraphs.Random(rng, 1f, 5, 4))])],
                TestGraphs.Vector(rng, p.Size, 0.1f, 0.3f)),
            new NeuronLayer("q", q, neuron, [new Projection(0, [new SelectOp(p, transpose, q)])], new float[q.Size]),
            new ReadoutLayer("out", new Shape(9),
            [
                new Projection(0,
                    [readout, new ReshapeOp(readout.OutputShape, new Shape(6)), new ConcatSliceOp(new Shape(6), 0, new Shape(9))]),
                new Projection(1, [new SelectOp(q, [0, 1, 2], new Shape(3)), new ConcatSliceOp(new Shape(3), 6, new Shape(9))]),
            ], new float[9]),
        ]);
        const int count = 4;
        float[] input = TestGraphs.Inputs(new Random(6), count, x.Size);
        ISimulator simulator = backend == "dense" ? new DenseSimulator() : new EventSimulator();
        SimulationResult r = simulator.Run(net, [new DataBatch(input, new int[count], count)], new SimulationOptions { Timesteps = 16 });
        Assert.True(r.LayerSpikes[0] > 0 && r.LayerSpikes[1] > 0);
        // p: 2 targets over tokens (its readout) + 1 through the transpose; q: 3 of its 15 neurons are read, 1/5 per neuron.
        Assert.Equal(3.0, r.FanOut[0]);
        Assert.Equal(3.0 / 15, r.FanOut[1], 12);
        Assert.Equal(r.LayerSpikes[0] * 3.0 / count, r.SynapticEventsPerImage(0), 9);
        Assert.Equal(r.LayerSpikes[1] * 0.2 / count, r.SynapticEventsPerImage(1), 9);
    }
}
