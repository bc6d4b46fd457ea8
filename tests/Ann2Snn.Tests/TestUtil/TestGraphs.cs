using Ann2Snn.Graph;
using Ann2Snn.Tensors;

namespace Ann2Snn.Tests.TestUtil;

/// <summary>Small graphs with seeded random weights, built in code.</summary>
internal static class TestGraphs
{
    public static FloatTensor Random(Random rng, float scale, params int[] shape)
    {
        int size = shape.Aggregate(1, (a, b) => a * b);
        var data = new float[size];
        for (int i = 0; i < size; i++) data[i] = (float)(rng.NextDouble() * 2 - 1) * scale;
        return new FloatTensor(shape, data);
    }

    public static float[] Vector(Random rng, int n, float lo, float hi)
    {
        var v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float)(lo + rng.NextDouble() * (hi - lo));
        return v;
    }

    /// <summary>Images with values in [0, 1], [count, size].</summary>
    public static float[] Inputs(Random rng, int count, int size) => Vector(rng, count * size, 0f, 1f);

    /// <summary>Input[1,8,8] → Conv4(3×3,p1) → BN → ReLU → MaxPool2 → Conv8(3×3,p1) → ReLU → AvgPool2 → Flatten → Dense(32→10).</summary>
    public static ModelGraph SmallCnn(int seed = 7)
    {
        var rng = new Random(seed);
        var input = new InputNode("input", new Shape(1, 8, 8));
        var c1 = new Conv2dNode("conv1", input, Random(rng, 0.6f, 4, 1, 3, 3), Vector(rng, 4, -0.1f, 0.1f), Window2d.Square(3, 1, 1));
        var bn = new BatchNormNode("bn1", c1, Vector(rng, 4, 0.5f, 1.5f), Vector(rng, 4, -0.2f, 0.2f), Vector(rng, 4, -0.1f, 0.1f),
            Vector(rng, 4, 0.5f, 2f), 1e-5f);
        var r1 = new ReluNode("relu1", bn);
        var p1 = new Pool2dNode("pool1", r1, PoolKind.Max, Window2d.Square(2, 2));
        var c2 = new Conv2dNode("conv2", p1, Random(rng, 0.4f, 8, 4, 3, 3), Vector(rng, 8, -0.1f, 0.1f), Window2d.Square(3, 1, 1));
        var r2 = new ReluNode("relu2", c2);
        var p2 = new Pool2dNode("pool2", r2, PoolKind.Average, Window2d.Square(2, 2));
        var flat = new ReshapeNode("flatten", p2, new Shape(32), "Flatten");
        var fc = new DenseNode("fc", flat, Random(rng, 0.5f, 10, 32), Vector(rng, 10, -0.1f, 0.1f));
        return new ModelGraph(input, fc, "small_cnn");
    }

    /// <summary>
    /// Input[1,8,8] → Conv4(3×3,p1) → LeakyRelu(0.1) → MaxPool2 → Conv8(3×3,p1) → PRelu(8 slopes in [−0.2, 0.5]) → AvgPool2 →
    /// Flatten → Dense(32→12) → LeakyRelu(0.3) → Dense(12→10): negative branches of every form.
    /// </summary>
    public static ModelGraph LeakyCnn(int seed = 13)
    {
        var rng = new Random(seed);
        var input = new InputNode("input", new Shape(1, 8, 8));
        var c1 = new Conv2dNode("conv1", input, Random(rng, 0.6f, 4, 1, 3, 3), Vector(rng, 4, -0.2f, 0.1f), Window2d.Square(3, 1, 1));
        var l1 = new ActivationNode("leaky1", c1, ActivationKind.LeakyRelu, 0.1f);
        var p1 = new Pool2dNode("pool1", l1, PoolKind.Max, Window2d.Square(2, 2));
        var c2 = new Conv2dNode("conv2", p1, Random(rng, 0.4f, 8, 4, 3, 3), Vector(rng, 8, -0.1f, 0.1f), Window2d.Square(3, 1, 1));
        var l2 = new ActivationNode("prelu2", c2, ActivationKind.PRelu, slope: Vector(rng, 8, -0.2f, 0.5f));
        var p2 = new Pool2dNode("pool2", l2, PoolKind.Average, Window2d.Square(2, 2));
        var flat = new ReshapeNode("flatten", p2, new Shape(32), "Flatten");
        var fc1 = new DenseNode("fc1", flat, Random(rng, 0.5f, 12, 32), Vector(rng, 12, -0.1f, 0.1f));
        var l3 = new ActivationNode("leaky3", fc1, ActivationKind.LeakyRelu, 0.3f);
        var fc2 = new DenseNode("fc2", l3, Random(rng, 0.5f, 10, 12), Vector(rng, 10, -0.1f, 0.1f));
        return new ModelGraph(input, fc2, "leaky_cnn");
    }

    /// <summary>Input[16] → Dense 24 → ReLU → Dense 24 → ReLU (+ residual from the first ReLU) → Dense 5.</summary>
    public static ModelGraph ResidualMlp(int seed = 3)
    {
        var rng = new Random(seed);
        var input = new InputNode("input", new Shape(16));
        var d1 = new DenseNode("d1", input, Random(rng, 0.5f, 24, 16), Vector(rng, 24, -0.1f, 0.2f));
        var r1 = new ReluNode("r1", d1);
        var d2 = new DenseNode("d2", r1, Random(rng, 0.4f, 24, 24), Vector(rng, 24, -0.1f, 0.1f));
        var add = new AddNode("add", d2, r1);
        var r2 = new ReluNode("r2", add);
        var d3 = new DenseNode("d3", r2, Random(rng, 0.5f, 5, 24), Vector(rng, 5, -0.1f, 0.1f));
        return new ModelGraph(input, d3, "residual_mlp");
    }

    /// <summary>
    /// Convolution geometry and concatenation: Input[2,9,9] → Conv6(3×3, s2, p1) → ReLU → depthwise Conv(3×3,
    /// dilation 2, p2) → ReLU → MaxPool(3×3, s1, p1) → [Conv4(1×1) ‖ Conv4(3×3, p1)] concatenated → ReLU → concatenated
    /// with the first ReLU → Conv5(3×3, p1) → ReLU → AvgPool(3×3, s2, p1, count_include_pad) → Flatten → Dense(45→7).
    /// </summary>
    public static ModelGraph ConvZoo(int seed = 5)
    {
        var rng = new Random(seed);
        var input = new InputNode("input", new Shape(2, 9, 9));
        var c1 = new Conv2dNode("conv1", input, Random(rng, 0.5f, 6, 2, 3, 3), Vector(rng, 6, -0.05f, 0.1f),
            new Window2d(3, 3, 2, 2, 1, 1, 1, 1));
        var r1 = new ReluNode("relu1", c1);
        var dw = new Conv2dNode("dw", r1, Random(rng, 0.8f, 6, 1, 3, 3), Vector(rng, 6, -0.05f, 0.1f),
            new Window2d(3, 3, 1, 1, 2, 2, 2, 2, DilationH: 2, DilationW: 2), groups: 6);
        var r2 = new ReluNode("relu2", dw);
        var mp = new Pool2dNode("pool", r2, PoolKind.Max, Window2d.Square(3, 1, 1));
        var ca = new Conv2dNode("branch_a", mp, Random(rng, 0.6f, 4, 6, 1, 1), Vector(rng, 4, -0.05f, 0.1f), Window2d.Square(1));
        var cb = new Conv2dNode("branch_b", mp, Random(rng, 0.3f, 4, 6, 3, 3), Vector(rng, 4, -0.05f, 0.1f), Window2d.Square(3, 1, 1));
        var cat1 = new ConcatNode("cat1", [ca, cb]);
        var r3 = new ReluNode("relu3", cat1);
        var cat2 = new ConcatNode("cat2", [r3, r1]);
        var c4 = new Conv2dNode("conv4", cat2, Random(rng, 0.25f, 5, 14, 3, 3), Vector(rng, 5, -0.05f, 0.1f), Window2d.Square(3, 1, 1));
        var r4 = new ReluNode("relu4", c4);
        var ap = new Pool2dNode("avg", r4, PoolKind.Average, Window2d.Square(3, 2, 1), countIncludePad: true);
        var flat = new ReshapeNode("flatten", ap, new Shape(45), "Flatten");
        var fc = new DenseNode("fc", flat, Random(rng, 0.5f, 7, 45), Vector(rng, 7, -0.1f, 0.1f));
        return new ModelGraph(input, fc, "conv_zoo");
    }
}
