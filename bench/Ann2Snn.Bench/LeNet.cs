using Ann2Snn.Graph;
using Ann2Snn.Tensors;

namespace Ann2Snn.Bench;

/// <summary>The benchmark CNN, LeNet-shaped, with seeded random weights.</summary>
internal static class LeNet
{
    /// <summary>
    /// conv 1→32 3×3 pad 1, BN, ReLU, maxpool 2, conv 32→64 3×3 pad 1, ReLU, avgpool 2, flatten,
    /// dense 3136→128, ReLU, dense 128→10. Input [1, 28, 28].
    /// </summary>
    public static ModelGraph Build(int seed = 1)
    {
        var rng = new Random(seed);
        var x = new InputNode("x", new Shape(1, 28, 28));
        var conv1 = new Conv2dNode("conv1", x, Weights(rng, [32, 1, 3, 3]), Values(rng, 32, 0.1f), Window2d.Square(3, 1, 1));
        var bn = new BatchNormNode("bn1", conv1, Values(rng, 32, 0.5f, 1f), Values(rng, 32, 0.1f),
            Values(rng, 32, 0.1f), Values(rng, 32, 0.2f, 1f), 1e-5f);
        var relu1 = new ReluNode("relu1", bn);
        var pool1 = new Pool2dNode("pool1", relu1, PoolKind.Max, Window2d.Square(2, 2));
        var conv2 = new Conv2dNode("conv2", pool1, Weights(rng, [64, 32, 3, 3]), Values(rng, 64, 0.1f), Window2d.Square(3, 1, 1));
        var relu2 = new ReluNode("relu2", conv2);
        var pool2 = new Pool2dNode("pool2", relu2, PoolKind.Average, Window2d.Square(2, 2));
        var flat = new ReshapeNode("flatten", pool2, new Shape(64 * 7 * 7), "Flatten");
        var fc1 = new DenseNode("fc1", flat, Weights(rng, [128, 3136]), Values(rng, 128, 0.1f));
        var relu3 = new ReluNode("relu3", fc1);
        var fc2 = new DenseNode("fc2", relu3, Weights(rng, [10, 128]), Values(rng, 10, 0.1f));
        return new ModelGraph(x, fc2, "lenet");
    }

    /// <summary>He-style uniform weights: fan-in from every dimension but the first.</summary>
    private static FloatTensor Weights(Random rng, int[] shape)
    {
        int fanIn = shape.Skip(1).Aggregate(1, (a, b) => a * b);
        return new FloatTensor(shape, Values(rng, shape.Aggregate(1, (a, b) => a * b), MathF.Sqrt(6f / fanIn)));
    }

    private static float[] Values(Random rng, int n, float spread, float center = 0f) =>
        Enumerable.Range(0, n).Select(_ => center + spread * (float)(rng.NextDouble() * 2 - 1)).ToArray();

    public static float[] Input(int batch, int seed = 2)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, batch * 784).Select(_ => (float)rng.NextDouble()).ToArray();
    }
}
