using Ann2Snn.Kernels;
using Ann2Snn.Simulation;
using Ann2Snn.Simulation.Event;
using Ann2Snn.Snn;
using Ann2Snn.Tensors;
using Ann2Snn.Tests.TestUtil;

namespace Ann2Snn.Tests.Simulation;

public sealed class FanOutTableTests
{
    private static readonly Shape Map = new(3, 5, 5);

    public static TheoryData<string> Chains =>
        ["avgpool-flatten-dense", "avgpool2-flatten-dense", "gain-conv", "gain-concat-conv", "conv-gain", "concat", "dense",
            "tokens-select", "select-tokens-gain"];

    private static SynapticOp[] Chain(string name)
    {
        var rng = new Random(name.Length);
        switch (name)
        {
            case "avgpool2-flatten-dense":
                {
                    // Non-overlapping windows: the sources of one window share their row (and those outside every window share a zero row).
                    var pooled = new Shape(3, 2, 2);
                    return [new AvgPoolOp(Map, Window2d.Square(2, 2), true, pooled), new ReshapeOp(pooled, new Shape(12)),
                        new DenseOp(new Shape(12), TestGraphs.Random(rng, 1f, 8, 12))];
                }
            case "avgpool-flatten-dense":
                {
                    var pooled = new Shape(3, 3, 3);
                    return [new AvgPoolOp(Map, Window2d.Square(3, 2, 1), true, pooled), new ReshapeOp(pooled, new Shape(27)),
                        new DenseOp(new Shape(27), TestGraphs.Random(rng, 1f, 8, 27))];
                }
            case "gain-conv":
                return [new ScaleOp(Map, TestGraphs.Vector(rng, Map.Size, 0.5f, 2f)), Conv(rng, Map, 4)];
            case "gain-concat-conv":
                {
                    var wide = new Shape(5, 5, 5);
                    return [new ScaleOp(Map, [0.5f, 2f, 1.5f]), new ConcatSliceOp(Map, 2, wide), Conv(rng, wide, 4)];
                }
            case "conv-gain":
                {
                    ConvOp c = Conv(rng, Map, 4);
                    return [c, new ScaleOp(c.OutputShape, TestGraphs.Vector(rng, c.OutputShape.Size, 0.5f, 2f))];
                }
            case "concat":
                return [new ConcatSliceOp(Map, 1, new Shape(6, 5, 5))];
            case "tokens-select":
                {
                    // 15 tokens of 5 → 15 of 4 → transposed [4, 15], every other token kept: a spike reaches 4 or 0 targets.
                    var tokens = new Shape(15, 5);
                    var t = new TokenDenseOp(tokens, TestGraphs.Random(rng, 1f, 4, 5));
                    int[] map = [.. Enumerable.Range(0, 32).Select(i => (i % 8 * 2) * 4 + i / 8)];
                    return [new ReshapeOp(Map, tokens), t, new SelectOp(t.OutputShape, map, new Shape(4, 8))];
                }
            case "select-tokens-gain":
                {
                    // A selection reading some inputs twice and some never, then 3 tokens over 25 features per channel, then gains.
                    int[] map = [.. Enumerable.Range(0, Map.Size).Select(i => (i * 7) % Map.Size / 2 * 2)];
                    var t = new TokenDenseOp(new Shape(3, 25), TestGraphs.Random(rng, 1f, 6, 25));
                    return [new SelectOp(Map, map, new Shape(3, 25)), t,
                        new ScaleOp(t.OutputShape, TestGraphs.Vector(rng, t.OutputShape.Size, 0.5f, 2f))];
                }
            default:
                return [new ReshapeOp(Map, new Shape(75)), new DenseOp(new Shape(75), TestGraphs.Random(rng, 1f, 9, 75))];
        }
    }

    private static ConvOp Conv(Random rng, Shape input, int outChannels)
    {
        var window = new Window2d(3, 3, 1, 1, 1, 1, 1, 1, 2, 1);
        var (h, w) = window.OutputSize(input.Height, input.Width, "test");
        return new ConvOp(input, TestGraphs.Random(rng, 1f, outChannels, input.Channels, 3, 3), window, 1, new Shape(outChannels, h, w));
    }

    [Theory]
    [MemberData(nameof(Chains))]
    public void TableAppliesTheChainToAnySpikes(string name)
    {
        SynapticOp[] ops = Chain(name);
        var rng = new Random(7);
        foreach (bool channelsLast in new[] { false, true })
        {
            LayerLayout source = channelsLast ? LayerLayout.ChannelsLastWhereUseful(ops[0].InputShape)
                : LayerLayout.Canonical(ops[0].InputShape);
            LayerLayout target = channelsLast ? LayerLayout.ChannelsLastWhereUseful(ops[^1].OutputShape)
                : LayerLayout.Canonical(ops[^1].OutputShape);
            const float gain = 1.5f;
            FanOutTable table = FanOutTable.TryCompose(ops, source, target, gain, 1 << 20)!;
            Assert.NotNull(table);
            if (name.EndsWith("dense", StringComparison.Ordinal)) Assert.NotNull(table.DenseRows);
            if (name is "concat" or "tokens-select") Assert.Null(table.DenseRows);
            // one row per pooling window and a zero row, not one per source
            if (name == "avgpool2-flatten-dense") Assert.Equal((12 + 1) * 8, table.DenseRows!.Length);
            if (name == "dense") Assert.Null(table.RowOf);

            float[] spikes = Enumerable.Range(0, Map.Size).Select(_ => rng.Next(3) == 0 ? 1f : 0f).ToArray();
            float[] expected = spikes;
            foreach (SynapticOp op in ops) expected = SynapticOpReference.Apply(op, expected);

            int[] active = Enumerable.Range(0, Map.Size).Where(j => spikes[source.ToCanonical(j)] != 0f).ToArray();
            var y = new float[table.Columns];
            if (table.DenseRows is { } rows) SpikeScatter.AddRows(rows, table.RowOf ?? [], active, y);
            else SpikeScatter.AddSparse(table.Offsets, table.Indices, table.Weights, active, y);
            var canonical = new float[y.Length];
            target.CopyToCanonical(y, canonical);
            for (int i = 0; i < canonical.Length; i++) Assert.Equal(gain * expected[i], canonical[i], 1e-4f);
        }
    }

    [Fact]
    public void ChainOverTheBudgetIsNotTabulated()
    {
        SynapticOp[] ops = Chain("dense");
        Assert.Equal(9, FanOutTable.FanOutBound(ops));
        Assert.Null(FanOutTable.TryCompose(ops, null, LayerLayout.Canonical(ops[^1].OutputShape), 1f, 75 * 9 - 1));
        Assert.NotNull(FanOutTable.TryCompose(ops, null, LayerLayout.Canonical(ops[^1].OutputShape), 1f, 75 * 9));
    }
}
