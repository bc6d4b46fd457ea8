using Ann2Snn.Ann;
using Ann2Snn.Graph;
using Ann2Snn.Tensors;
using Ann2Snn.Tests.TestUtil;

namespace Ann2Snn.Tests.Ann;

/// <summary>
/// The executor on <see cref="QuantizedClipNode"/> against the closed form y = λ·clip(⌊x·L/λ + φ⌋ / L, 0, 1) evaluated
/// in decimal arithmetic, on random inputs and on inputs exactly on the level boundaries x = λ(k − φ)/L (which go to
/// level k) and one float step below them (level k − 1); and the node's own checks.
/// </summary>
public sealed class QuantizedClipExecutorTests
{
    /// <summary>The closed form in decimal arithmetic (λ and the boundaries used here are short binary fractions).</summary>
    private static float Expected(float x, float lambda, int? levels, float shift)
    {
        // Through double: a float converts to double exactly, and double to decimal keeps 15 significant digits.
        decimal lam = (decimal)(double)lambda, v = (decimal)(double)x;
        if (levels is not { } l) return (float)Math.Clamp(v, 0m, lam);
        decimal level = Math.Clamp(Math.Floor(v * l / lam + (decimal)shift), 0m, l);
        return (float)(lam * level / l);
    }

    private static float[] Run(QuantizedClipNode node, float[] x, int count) =>
        new AnnExecutor(new ModelGraph((InputNode)node.Inputs[0], node)).Forward(x, count);

    public static TheoryData<float, int?, float> Parameters => new()
    {
        { 2f, 8, 0.5f },
        { 1.75f, 4, 0.5f },
        { 0.375f, 1, 0.5f },
        { 6f, 16, 0f },
        { 8f, 8, 0.25f },
        { 3.5f, null, 0.5f },
    };

    [Theory]
    [MemberData(nameof(Parameters))]
    public void Random_inputs_match_the_closed_form(float lambda, int? levels, float shift)
    {
        var input = new InputNode("x", new Shape(3, 4, 5));
        var node = new QuantizedClipNode("q", input, lambda, levels, shift);
        const int count = 7;
        float[] x = TestData.Uniform(41, count * input.OutputShape.Size, 1.5f * lambda);
        float[] y = Run(node, x, count);
        for (int i = 0; i < x.Length; i++) Assert.Equal(Expected(x[i], lambda, levels, shift), y[i]);
    }

    [Theory]
    [MemberData(nameof(Parameters))]
    public void Level_boundaries_go_up_and_the_float_below_stays_down(float lambda, int? levels, float shift)
    {
        if (levels is not { } l) return; // ReLU-λ has no levels; its bounds are covered by the random inputs
        var input = new InputNode("x", new Shape(l + 2));
        var node = new QuantizedClipNode("q", input, lambda, levels, shift);
        // x_k = λ(k − φ)/L for k = 0 … L + 1 (all exact binary fractions here), and the float just below each.
        float[] at = [.. Enumerable.Range(0, l + 2).Select(k => (float)((decimal)lambda * (k - (decimal)shift) / l))];
        float[] below = [.. at.Select(v => MathF.BitDecrement(v))];
        float[] y = Run(node, [.. at, .. below], 2);
        for (int k = 0; k < l + 2; k++)
        {
            Assert.Equal(Expected(at[k], lambda, levels, shift), y[k]);
            Assert.Equal(lambda * Math.Clamp(k, 0, l) / l, y[k], 6);
            Assert.Equal(Expected(below[k], lambda, levels, shift), y[l + 2 + k]);
            Assert.Equal(lambda * Math.Clamp(k - 1, 0, l) / l, y[l + 2 + k], 6);
        }
    }

    [Theory]
    [InlineData(0f, 8, 0.5f, "λ = 0 must be positive")]
    [InlineData(-1f, 8, 0.5f, "λ = -1 must be positive")]
    [InlineData(float.NaN, 8, 0.5f, "λ = NaN")]
    [InlineData(float.PositiveInfinity, 8, 0.5f, "λ = Infinity")]
    [InlineData(2f, -3, 0.5f, "-3 levels")]
    [InlineData(2f, 8, 1f, "φ = 1 is outside [0, 1)")]
    [InlineData(2f, 8, -0.25f, "φ = -0.25")]
    public void Bad_parameters_are_refused_naming_the_node(float lambda, int levels, float shift, string what)
    {
        var input = new InputNode("x", new Shape(4));
        var e = Assert.Throws<InvalidModelException>(() => new QuantizedClipNode("act3", input, lambda, levels, shift));
        Assert.Contains("node 'act3' (QuantizedClip)", e.Message);
        Assert.Contains(what, e.Message);
    }

    [Fact]
    public void Zero_levels_mean_no_quantization()
    {
        var node = new QuantizedClipNode("q", new InputNode("x", new Shape(4)), 2f, 0);
        Assert.Null(node.Levels);
        Assert.Equal("λ=2", node.Describe());
        Assert.Equal([0f, 0.3f, 2f, 2f], Run(node, [-1f, 0.3f, 2f, 7f], 1));
    }
}
