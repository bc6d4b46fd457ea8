using Ann2Snn.Data;
using Ann2Snn.Tensors;
using Ann2Snn.Tests.TestUtil;

namespace Ann2Snn.Tests.Data;

/// <summary>
/// The choice of a layout adaptation from (data shape, model shape), every case and every refusal, and the layout each makes
/// checked element by element against its index formula.
/// </summary>
public sealed class InputAdaptationTests
{
    public static TheoryData<int[], int[], InputAdaptationKind> Fits => new()
    {
        { [1, 28, 28], [1, 28, 28], InputAdaptationKind.Identity },
        { [10], [10], InputAdaptationKind.Identity },
        { [3, 4, 5], [3, 4, 5], InputAdaptationKind.Identity },
        { [1, 28, 28], [784], InputAdaptationKind.Flatten },
        { [3, 4, 5], [60], InputAdaptationKind.Flatten },
        { [1, 28, 28], [28, 28], InputAdaptationKind.DropChannel },
        { [3, 4, 5], [4, 5, 3], InputAdaptationKind.ChannelsLast },
        { [2, 3, 3], [3, 3, 2], InputAdaptationKind.ChannelsLast },
        { [1, 4, 5], [4, 5, 1], InputAdaptationKind.ChannelsLast },
        { [1, 4, 5], [3, 4, 5], InputAdaptationKind.ReplicateChannel },
        { [1, 28, 28], [28, 28, 3], InputAdaptationKind.ReplicateChannelLast },
    };

    [Theory]
    [MemberData(nameof(Fits))]
    public void ChoosesTheAdaptationThatFits(int[] data, int[] model, InputAdaptationKind kind)
    {
        InputAdaptation a = InputAdaptation.Choose(new Shape(data), new Shape(model))!;
        Assert.NotNull(a);
        Assert.Equal(kind, a.Kind);
        Assert.Equal(new Shape(data), a.From);
        Assert.Equal(new Shape(model), a.To);
    }

    public static TheoryData<int[], int[]> Refusals => new()
    {
        { [1, 28, 28], [783] },     // element counts differ
        { [784], [1, 28, 28] },     // no unflattening
        { [784], [28, 28] },
        { [1, 28, 28], [1, 784] },  // a flat model has rank 1
        { [3, 4, 5], [4, 5] },      // only a single channel is dropped
        { [2, 4, 5], [3, 4, 5] },   // only one channel is replicated
        { [1, 4, 5], [2, 4, 5] },   // … and only to three
        { [1, 4, 5], [4, 5, 2] },
        { [1, 4, 5], [5, 4] },      // height and width are never swapped
        { [3, 4, 5], [5, 4, 3] },
        { [3, 4, 5], [3, 5, 4] },
        { [1, 4, 5], [3, 20] },
        { [3, 4, 5], [12, 5] },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void RefusesAnythingElseNamingBothShapes(int[] data, int[] model)
    {
        Assert.Null(InputAdaptation.Choose(new Shape(data), new Shape(model)));
        var dataset = new ArrayDataset(new float[new Shape(data).Size], [0], new Shape(data), "tiny set");
        var e = Assert.Throws<InvalidOptionException>(() =>
            PreprocessedDataset.For(dataset, InputPreprocessing.Default, new Shape(model), "model 'm'"));
        Assert.Equal($"option 'data': tiny set has samples of shape {new Shape(data)}, but model 'm' takes {new Shape(model)}", e.Message);
    }

    [Fact]
    public void SaysWhatItDoesOnOneLine()
    {
        Assert.Equal("flatten [1×28×28] → [784]", InputAdaptation.Choose(new Shape(1, 28, 28), new Shape(784))!.ToString());
        Assert.Equal("channels last (NCHW to NHWC) [3×4×5] → [4×5×3]",
            InputAdaptation.Choose(new Shape(3, 4, 5), new Shape(4, 5, 3))!.ToString());
    }

    [Theory]
    [MemberData(nameof(Fits))]
    public void LaysOutEachElementWhereItsIndexFormulaSays(int[] data, int[] model, InputAdaptationKind kind)
    {
        var from = new Shape(data);
        int c = from.Rank == 3 ? from[0] : 1, h = from.Rank == 3 ? from[1] : 1, w = from.Rank == 3 ? from[2] : from.Size;
        const int n = 3;
        float[] x = TestGraphs.Vector(new Random(data.Sum() + model.Length), n * from.Size, -1f, 1f);
        var prepared = PreprocessedDataset.For(new ArrayDataset(x, [0, 1, 2], from), InputPreprocessing.Default, new Shape(model), "m");
        Assert.Equal(new Shape(model), prepared.SampleShape);
        float[] y = DataFiles.ReadAll(prepared, batchSize: 2).Data;

        bool replicate = kind is InputAdaptationKind.ReplicateChannel or InputAdaptationKind.ReplicateChannelLast;
        bool last = kind is InputAdaptationKind.ChannelsLast or InputAdaptationKind.ReplicateChannelLast;
        int channels = replicate ? 3 : c;
        Assert.Equal(channels, prepared.Adaptation.Channels);
        Assert.Equal(n * channels * h * w, y.Length);
        for (int s = 0; s < n; s++)
        {
            for (int k = 0; k < channels; k++)
            {
                for (int p = 0; p < h * w; p++)
                {
                    float expected = x[(s * from.Size) + ((replicate ? 0 : k) * h * w) + p];
                    int at = last ? (p * channels) + k : (k * h * w) + p;
                    Assert.Equal(expected, y[(s * channels * h * w) + at]);
                }
            }
        }
    }

    [Fact]
    public void BatchesThatKeepTheirLayoutPassThroughAndOthersLeaveTheSourceUntouched()
    {
        float[] x = TestGraphs.Inputs(new Random(3), 2, 12);
        var batch = new DataBatch(x, [0, 1], 2);
        var data = new OneBatch(batch, new Shape(1, 3, 4));
        foreach (int[] model in new[] { new[] { 12 }, [3, 4], [3, 4, 1], [1, 3, 4] })
        {
            Assert.Same(x, PreprocessedDataset.For(data, InputPreprocessing.Default, new Shape(model), "m").Batches(2).Single().Data);
        }
        float[] before = [.. x];
        var normalized = new InputPreprocessing { Mean = [0.5f], Std = [2f] };
        Assert.NotSame(x, PreprocessedDataset.For(data, normalized, new Shape(12), "m").Batches(2).Single().Data);
        Assert.NotSame(x, PreprocessedDataset.For(data, InputPreprocessing.Default, new Shape(3, 3, 4), "m").Batches(2).Single().Data);
        Assert.Equal(before, x);
    }

    /// <summary>The same batch object on every enumeration.</summary>
    private sealed class OneBatch(DataBatch batch, Shape shape) : IDataset
    {
        public string Description => "one batch";
        public Shape SampleShape => shape;
        public int Count => batch.Count;
        public int ClassCount => batch.Labels.Max() + 1;
        public IEnumerable<DataBatch> Batches(int batchSize, int? limit = null) => [batch];
    }
}
