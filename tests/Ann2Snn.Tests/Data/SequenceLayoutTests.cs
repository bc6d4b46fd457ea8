using Ann2Snn.Ann;
using Ann2Snn.Data;
using Ann2Snn.Graph;
using Ann2Snn.Tensors;

namespace Ann2Snn.Tests.Data;

/// <summary>
/// <c>--sequence rows|pixels</c>: image samples [C, H, W] laid out as sequences by the closed-form maps
/// y[h, w·C + c] = x[c, h, w] and y[h·W + w, c] = x[c, h, w]; arrays [N, L, F] fed as they are; bad combinations refused.
/// </summary>
public sealed class SequenceLayoutTests
{
    [Theory]
    [InlineData(1, 3, 4)]
    [InlineData(3, 2, 5)]
    [InlineData(2, 1, 1)]
    public void Rows_and_pixels_follow_their_closed_form(int c, int h, int w)
    {
        var from = new Shape(c, h, w);
        const int n = 3;
        float[] x = [.. Enumerable.Range(0, n * from.Size).Select(i => (float)i)];
        var data = new ArrayDataset(x, new int[n], from);
        foreach (SequenceLayout layout in new[] { SequenceLayout.Rows, SequenceLayout.Pixels })
        {
            Shape to = InputAdaptation.SequenceShape(from, layout)!;
            Assert.Equal(layout == SequenceLayout.Rows ? new Shape(h, w * c) : new Shape(h * w, c), to);
            var prepared = PreprocessedDataset.For(data, new InputPreprocessing { Sequence = layout, PixelScale = 1 }, to, "m");
            float[] y = [.. prepared.Batches(2).SelectMany(b => b.Data.Take(b.Count * to.Size))];
            for (int s = 0; s < n; s++)
            {
                for (int ch = 0; ch < c; ch++)
                {
                    for (int r = 0; r < h; r++)
                    {
                        for (int col = 0; col < w; col++)
                        {
                            int at = layout == SequenceLayout.Rows ? (r * w * c) + (col * c) + ch : (((r * w) + col) * c) + ch;
                            Assert.Equal(x[(s * from.Size) + (((ch * h) + r) * w) + col], y[(s * to.Size) + at]);
                        }
                    }
                }
            }
        }
    }

    [Fact]
    public void A_sequence_layout_is_chosen_only_when_asked_for()
    {
        Assert.Null(InputAdaptation.Choose(new Shape(3, 2, 5), new Shape(2, 15)));
        Assert.Equal(InputAdaptationKind.SequenceRows,
            InputAdaptation.Choose(new Shape(3, 2, 5), new Shape(2, 15), SequenceLayout.Rows)!.Kind);
        Assert.Equal(InputAdaptationKind.SequencePixels,
            InputAdaptation.Choose(new Shape(3, 2, 5), new Shape(10, 3), SequenceLayout.Pixels)!.Kind);
        Assert.Null(InputAdaptation.Choose(new Shape(3, 2, 5), new Shape(10, 3), SequenceLayout.Rows));
        Assert.Null(InputAdaptation.Choose(new Shape(10, 3), new Shape(10, 3), SequenceLayout.Rows));
        Assert.Equal(SequenceLayout.Pixels, InputPreprocessing.ParseSequence(" Pixels"));
        var ex = Assert.Throws<InvalidOptionException>(() => InputPreprocessing.ParseSequence("columns"));
        Assert.Equal("option '--sequence': 'columns' is not a sequence layout; expected rows or pixels", ex.Message);
    }

    [Fact]
    public void A_recurrent_model_reads_rows_pixels_and_arrays_and_refuses_the_rest()
    {
        ModelGraph rows = Rnn(4, 3), pixels = Rnn(12, 1), feedForward = Dense(4, 3);
        var images = new ArrayDataset(TestData(2, 12), [0, 1], new Shape(1, 4, 3));
        var sequences = new ArrayDataset(TestData(2, 12), [0, 1], new Shape(4, 3));
        var preprocessing = new InputPreprocessing { PixelScale = 1 };
        Assert.Equal(new Shape(4, 3),
            AnnEvaluator.Prepare(rows, images, preprocessing with { Sequence = SequenceLayout.Rows }).SampleShape);
        Assert.Equal(new Shape(12, 1),
            AnnEvaluator.Prepare(pixels, images, preprocessing with { Sequence = SequenceLayout.Pixels }).SampleShape);
        Assert.Equal(new Shape(4, 3), AnnEvaluator.Prepare(rows, sequences, preprocessing).SampleShape);
        // An array [N, L, F] is read as one-channel samples [1, L, F]: fed as it is.
        Assert.Equal(new Shape(4, 3), AnnEvaluator.Prepare(rows, images, preprocessing).SampleShape);

        string message = Assert.Throws<InvalidOptionException>(() => AnnEvaluator.Prepare(pixels, images, preprocessing)).Message;
        Assert.Contains("is recurrent (RNN 'rnn') and takes sequences [12×1] ([L, F])", message);
        message = Assert.Throws<InvalidOptionException>(() =>
            AnnEvaluator.Prepare(feedForward, sequences, preprocessing with { Sequence = SequenceLayout.Rows })).Message;
        Assert.StartsWith("option '--sequence': model 'dense' has no recurrent layer", message);
        message = Assert.Throws<InvalidOptionException>(() =>
            AnnEvaluator.Prepare(pixels, images, preprocessing with { Sequence = SequenceLayout.Rows })).Message;
        Assert.Contains("rows makes the samples [1×4×3] of", message);
        Assert.Contains("the sequence [4×3], but model 'rnn' takes [12×1]", message);
    }

    private static float[] TestData(int n, int size) => TestUtil.TestData.Uniform(7, n * size, 0.5f);

    /// <summary>A ReLU RNN over [L, F] (hidden 2), the last state into two logits.</summary>
    private static ModelGraph Rnn(int length, int features)
    {
        var input = new InputNode("x", new Shape(length, features));
        var rnn = new RecurrentNode("rnn", input, RecurrentCell.Rnn, RecurrentDirection.Forward,
            new FloatTensor([1, 2, features], TestUtil.TestData.Uniform(1, 2 * features)), new FloatTensor([1, 2, 2], [1, 0, 0, 1]),
            activations: [RecurrentActivation.Relu]);
        var last = new GatherNode("last", rnn, [(length - 1) * 2, ((length - 1) * 2) + 1], new Shape(2), "Gather");
        return new ModelGraph(input, new DenseNode("fc", last, new FloatTensor([2, 2], [1, 0, 0, 1]), null), "rnn");
    }

    private static ModelGraph Dense(int length, int features)
    {
        var input = new InputNode("x", new Shape(length, features));
        var flat = new ReshapeNode("flat", input, new Shape(length * features), "Flatten");
        return new ModelGraph(input, new DenseNode("fc", flat, new FloatTensor([2, length * features], new float[2 * length * features]),
            null), "dense");
    }
}
