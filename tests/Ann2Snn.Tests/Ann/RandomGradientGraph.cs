using Ann2Snn.Graph;
using Ann2Snn.Kernels;
using Ann2Snn.Tensors;
using static Ann2Snn.Tests.TestUtil.TestGraphs;

namespace Ann2Snn.Tests.Ann;

/// <summary>
/// A random graph built in code from a seed, over every operator that has a gradient: a stack of spatial steps
/// (convolution with random kernel, stride, asymmetric pads, dilation and groups; transposed convolution; batch
/// normalization; ReLU, clip, the QCFS quantizer and every other activation; max and average pooling; pad in every mode;
/// a transpose there and back; scale-shift; residual add; channel concatenation), a way to a vector (flatten, global
/// average pooling, a reduction) and dense layers with an optional inner softmax.
/// </summary>
internal static class RandomGradientGraph
{
    public static ModelGraph Build(int seed, bool smooth = false)
    {
        var rng = new Random(seed);
        var input = new InputNode("input", new Shape(rng.Next(1, 3), rng.Next(6, 10), rng.Next(6, 10)));
        Node x = input;
        int steps = rng.Next(3, 7), n = 0;
        for (int s = 0; s < steps; s++)
        {
            string name = $"s{n++}";
            Shape shape = x.OutputShape;
            x = rng.Next(11) switch
            {
                0 or 1 => Conv(rng, name, x),
                2 => Activation(rng, name, Conv(rng, name + "c", x), smooth),
                3 when shape.Height >= 4 && shape.Width >= 4 => new Pool2dNode(name, x, rng.Next(2) == 0 ? PoolKind.Max : PoolKind.Average,
                    new Window2d(2, rng.Next(2, 4), 2, rng.Next(1, 3), rng.Next(2), 0, 0, rng.Next(2)), countIncludePad: rng.Next(2) == 0),
                4 => new BatchNormNode(name, x, Vector(rng, shape.Channels, 0.5f, 1.5f), Vector(rng, shape.Channels, -0.2f, 0.2f),
                    Vector(rng, shape.Channels, -0.1f, 0.1f), Vector(rng, shape.Channels, 0.5f, 2f), 1e-5f),
                5 => new PadNode(name, x, (PadMode)rng.Next(4), [0, rng.Next(0, 2), rng.Next(0, 2)], [0, rng.Next(0, 2), rng.Next(0, 2)],
                    0.25f),
                6 => new TransposeNode(name + "b", new TransposeNode(name, x, [1, 2, 0]), [2, 0, 1]),
                7 => new AddNode(name, x, Activation(rng, name + "r", Conv(rng, name + "c", x, shape.Channels, same: true), smooth)),
                8 => new ConcatNode(name, [x, Conv(rng, name + "c", x, rng.Next(1, 4), same: true)]),
                9 => new ConvTranspose2dNode(name, x, Random(rng, 0.5f, shape.Channels, 2, 2, 2), Vector(rng, 2, -0.1f, 0.1f),
                    new Window2d(2, 2, 1, 1, 0, 0, 1, 1)),
                _ => new ScaleShiftNode(name, x, Vector(rng, shape.Channels, 0.5f, 1.5f), Vector(rng, shape.Channels, -0.2f, 0.2f)),
            };
            if (rng.Next(2) == 0) x = Activation(rng, $"a{n++}", x, smooth);
        }
        Shape last = x.OutputShape;
        x = rng.Next(3) switch
        {
            0 => new ReshapeNode("flatten", x, new Shape(last.Size), "Flatten"),
            1 => new ReshapeNode("flatten", new GlobalAvgPoolNode("gap", x), new Shape(last.Channels), "Flatten"),
            _ => new ReduceNode("reduce", x, rng.Next(3) switch { 0 => ReduceKind.Mean, 1 => ReduceKind.Sum, _ => ReduceKind.SumSquare },
                [2], keepDims: false),
        };
        if (x.OutputShape.Rank > 1) x = new ReshapeNode("flat", x, new Shape(x.OutputShape.Size), "Flatten");
        int width = rng.Next(6, 12);
        int features = x.OutputShape.Size;
        x = new DenseNode("fc1", x, Random(rng, 1.2f / MathF.Sqrt(features), width, features), Vector(rng, width, -0.1f, 0.1f));
        x = rng.Next(4) == 0 ? new SoftmaxNode("inner_softmax", x, log: rng.Next(2) == 0) : Activation(rng, "fc1_act", x, smooth);
        x = new DenseNode("fc2", x, Random(rng, 1.5f / MathF.Sqrt(width), 5, width), Vector(rng, 5, -0.1f, 0.1f));
        return new ModelGraph(input, x, $"random_gradient_{seed}");
    }

    private static Conv2dNode Conv(Random rng, string name, Node x, int? outChannels = null, bool same = false)
    {
        Shape s = x.OutputShape;
        int groups = s.Channels > 1 && rng.Next(3) == 0 ? s.Channels : 1;
        int o = outChannels ?? (groups > 1 ? s.Channels * rng.Next(1, 3) : rng.Next(2, 5));
        if (groups > 1 && o % groups != 0) groups = 1;
        Window2d w = same
            ? Window2d.Square(3, 1, 1)
            : new Window2d(rng.Next(1, 4), rng.Next(1, 4), rng.Next(1, 3), rng.Next(1, 3),
                rng.Next(2), rng.Next(2), rng.Next(2), rng.Next(2),
                DilationH: rng.Next(1, 3));
        if (Out(s.Height, w.KernelH, w.StrideH, w.PadTop + w.PadBottom, w.DilationH) < 2
            || Out(s.Width, w.KernelW, w.StrideW, w.PadLeft + w.PadRight, w.DilationW) < 2)
        {
            w = Window2d.Square(1);
        }
        int fanIn = s.Channels / groups * w.KernelH * w.KernelW;
        return new Conv2dNode(name, x, Random(rng, 1.5f / MathF.Sqrt(fanIn), o, s.Channels / groups, w.KernelH, w.KernelW),
            Vector(rng, o, -0.1f, 0.1f), w, groups);
    }

    private static int Out(int size, int kernel, int stride, int pads, int dilation) =>
        size + pads < (dilation * (kernel - 1)) + 1 ? 0 : ((size + pads - (dilation * (kernel - 1)) - 1) / stride) + 1;

    private static Node Activation(Random rng, string name, Node x, bool smooth)
    {
        int c = x.OutputShape.Rank == 3 ? x.OutputShape.Channels : 1;
        int pick = smooth ? rng.Next(3) : rng.Next(10);
        return pick switch
        {
            0 => new ActivationNode(name, x, ActivationKind.Sigmoid),
            1 => new ActivationNode(name, x, ActivationKind.Tanh),
            2 => new ActivationNode(name, x, ActivationKind.Elu, alpha: 0.7f),
            3 => new ActivationNode(name, x, ActivationKind.LeakyRelu, alpha: 0.1f),
            4 => new ActivationNode(name, x, ActivationKind.PRelu, slope: Vector(rng, c, 0.05f, 0.3f)),
            5 => new ActivationNode(name, x, ActivationKind.HardSwish),
            6 => new ActivationNode(name, x, ActivationKind.HardSigmoid, alpha: 0.2f, beta: 0.5f),
            7 => new ClipNode(name, x, 0f, 1.5f),
            8 => new QuantizedClipNode(name, x, 1.5f, null),
            _ => new ReluNode(name, x),
        };
    }
}
