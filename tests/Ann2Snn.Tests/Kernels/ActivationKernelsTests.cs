using Ann2Snn.Graph;
using Ann2Snn.Kernels;
using Ann2Snn.Tests.TestUtil;

namespace Ann2Snn.Tests.Kernels;

public sealed class ActivationKernelsTests
{
    public static TheoryData<int> Lengths => [0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 255, 256, 257, 1000];

    /// <summary>Values spread over ±8 (past every corner and into saturation), with exact zeros and ±1 mixed in.</summary>
    private static float[] Inputs(int seed, int length)
    {
        float[] x = TestData.Uniform(seed, length, 8f);
        for (int i = 0; i < length; i += 11) x[i] = (i / 11 % 4) switch { 0 => 0f, 1 => -0f, 2 => 1f, _ => -1f };
        return x;
    }

    private static void AssertMatches(ActivationKind kind, double alpha, double beta, float[] x, float[] y, double tolerance,
        string what) =>
        Reference.AssertClose([.. x.Select(v => ClosedForm.Activation(kind, v, alpha, beta))], y, tolerance, what);

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Each_function_matches_its_closed_form(int length)
    {
        float[] x = Inputs(length + 1, length);
        var y = new float[length];
        ActivationKernels.Sigmoid(x, y);
        AssertMatches(ActivationKind.Sigmoid, 0, 0, x, y, 1e-6, "sigmoid");
        ActivationKernels.Tanh(x, y);
        AssertMatches(ActivationKind.Tanh, 0, 0, x, y, 1e-6, "tanh");
        ActivationKernels.HardSwish(x, y);
        AssertMatches(ActivationKind.HardSwish, 0, 0, x, y, 1e-6, "hardswish");
        foreach (float alpha in new[] { 0.01f, 0f, -0.3f, 1f, 1.7f })
        {
            ActivationKernels.LeakyRelu(x, alpha, y);
            AssertMatches(ActivationKind.LeakyRelu, alpha, 0, x, y, 1e-7, $"leaky relu α={alpha}");
        }
        foreach (float alpha in new[] { 1f, 0.5f, 2.5f, -0.5f })
        {
            ActivationKernels.Elu(x, alpha, y);
            AssertMatches(ActivationKind.Elu, alpha, 0, x, y, 1e-6, $"elu α={alpha}");
        }
        foreach (var (alpha, beta) in new[] { (0.2f, 0.5f), (1f / 3, 0.1f), (-0.4f, 0.3f) })
        {
            ActivationKernels.HardSigmoid(x, alpha, beta, y);
            AssertMatches(ActivationKind.HardSigmoid, alpha, beta, x, y, 1e-6, $"hardsigmoid α={alpha} β={beta}");
        }
    }

    [Theory]
    [InlineData(1, 7)]
    [InlineData(3, 1)]
    [InlineData(4, 9)]
    [InlineData(5, 33)]
    public void PRelu_takes_one_slope_one_per_channel_or_one_per_element(int channels, int plane)
    {
        int size = channels * plane;
        float[] x = Inputs(channels * 100 + plane, size);
        var y = new float[size];
        // Slopes on both sides of 1 and of 0.
        foreach (float[] slope in new[] { [0.25f], TestData.Uniform(3, channels, 1.5f), TestData.Uniform(4, size, 1.5f) })
        {
            ActivationKernels.PRelu(x, plane, slope, y);
            double[] expected = [.. x.Select((v, i) =>
                ClosedForm.Activation(ActivationKind.PRelu, v, slope[slope.Length == 1 ? 0 : slope.Length == size ? i : i / plane]))];
            Reference.AssertClose(expected, y, 1e-7, $"prelu with {slope.Length} slopes");
        }
        Assert.Throws<ArgumentException>(() => ActivationKernels.PRelu(x, plane, new float[channels + 1], y));
    }

    [Fact]
    public void NaN_stays_NaN_and_infinities_saturate()
    {
        float[] x = [float.NaN, float.PositiveInfinity, float.NegativeInfinity];
        var y = new float[3];
        ActivationKernels.Sigmoid(x, y);
        Assert.Equal([float.NaN, 1f, 0f], y);
        ActivationKernels.Tanh(x, y);
        Assert.Equal([float.NaN, 1f, -1f], y);
        ActivationKernels.Elu(x, 1f, y);
        Assert.Equal([float.NaN, float.PositiveInfinity, -1f], y);
        ActivationKernels.HardSigmoid(x, 0.2f, 0.5f, y);
        Assert.Equal([float.NaN, 1f, 0f], y);
        ActivationKernels.LeakyRelu(x, 0.1f, y);
        Assert.Equal([float.NaN, float.PositiveInfinity, float.NegativeInfinity], y);
    }

    [Fact]
    public void Clip_with_min_above_max_is_max_everywhere()
    {
        float[] x = [-5f, 0f, 1.5f, 7f, float.NaN];
        var y = new float[5];
        Elementwise.Clip(x, 2f, -1f, y);
        Assert.Equal([-1f, -1f, -1f, -1f, float.NaN], y);
        Elementwise.Clip(x, 0f, 6f, y);
        Assert.Equal([0f, 0f, 1.5f, 6f], y[..4]);
    }

    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(0.1, 0.1124629160182849)]
    [InlineData(0.5, 0.5204998778130465)]
    [InlineData(1.0, 0.8427007929497149)]
    [InlineData(2.0, 0.9953222650189527)]
    [InlineData(2.49, 0.9995707121322661)]
    [InlineData(2.51, 0.9996142945182758)]
    [InlineData(3.0, 0.9999779095030014)]
    [InlineData(-1.5, -0.9661051464753108)]
    [InlineData(5.0, 0.9999999999984626)]
    public void Erf_matches_tabulated_values(double x, double expected) =>
        Assert.True(Math.Abs(ActivationKernels.Erf(x) - expected) <= 1e-13,
            $"erf({x}) = {ActivationKernels.Erf(x):R}, expected {expected:R}");

    [Fact]
    public void Gelu_is_x_times_the_normal_cdf_and_its_tanh_form_stays_within_its_known_error()
    {
        float[] x = [.. Enumerable.Range(-40, 81).Select(i => i / 8f)];
        float[] exact = new float[x.Length], tanh = new float[x.Length];
        ActivationKernels.Gelu(x, exact);
        ActivationKernels.GeluTanh(x, tanh);
        for (int i = 0; i < x.Length; i++)
        {
            double phi = 0.5 * (1 + ActivationKernels.Erf(x[i] / Math.Sqrt(2)));
            double expected = x[i] * phi;
            Assert.True(Math.Abs(exact[i] - expected) <= 1e-7 * Math.Max(1, Math.Abs(expected)), $"x = {x[i]}: {exact[i]} vs {expected}");
            Assert.True(Math.Abs(exact[i] - tanh[i]) <= 1e-3, $"x = {x[i]}: exact {exact[i]}, tanh form {tanh[i]}");
        }
    }
}
