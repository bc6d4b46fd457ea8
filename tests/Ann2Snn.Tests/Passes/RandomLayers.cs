using Ann2Snn.Graph;
using Ann2Snn.Tensors;
using Ann2Snn.Tests.TestUtil;

namespace Ann2Snn.Tests.Passes;

/// <summary>A convolution of random geometry (groups, kernel, stride, dilation, asymmetric pads) that fits its input.</summary>
internal sealed record RandomConv(Shape Input, FloatTensor Weight, float[]? Bias, Window2d Window, int Groups)
{
    public static RandomConv Draw(Random rng, bool padded)
    {
        int groups = rng.Next(1, 4);
        int inC = groups * rng.Next(1, 3), outC = groups * rng.Next(1, 4);
        int kh = rng.Next(1, 4), kw = rng.Next(1, 4), dh = rng.Next(1, 3), dw = rng.Next(1, 3);
        int[] pads = [0, 0, 0, 0];
        if (padded)
        {
            for (int i = 0; i < 4; i++) pads[i] = rng.Next(0, 3);
            pads[rng.Next(4)] = rng.Next(1, 3);
        }
        var window = new Window2d(kh, kw, rng.Next(1, 3), rng.Next(1, 3), pads[0], pads[1], pads[2], pads[3], dh, dw);
        // Big enough for the dilated kernel even without padding.
        var input = new Shape(inC, dh * (kh - 1) + 1 + rng.Next(0, 4), dw * (kw - 1) + 1 + rng.Next(0, 4));
        float[]? bias = rng.Next(3) == 0 ? null : TestGraphs.Vector(rng, outC, -0.5f, 0.5f);
        return new RandomConv(input, TestGraphs.Random(rng, 1f, outC, inC / groups, kh, kw), bias, window, groups);
    }

    public int OutChannels => Weight.Shape[0];

    public Conv2dNode Build(string name, Node input) => new(name, input, Weight, Bias, Window, Groups);

    public override string ToString() =>
        $"input {Input}, weight {Weight}, {Window}, groups {Groups}, {(Bias is null ? "no bias" : "bias")}";
}
