using Ann2Snn.Training;

namespace Ann2Snn.Tests.Training;

/// <summary>Optimizers, schedule, clipping and shuffling against their closed forms.</summary>
public sealed class OptimizerTests
{
    private static (TrainableParameter P, float[][] G) One(float value, float gradient, bool weight = true) =>
        (new TrainableParameter("p", [value, -value], weight), [[gradient, -gradient]]);

    [Theory]
    [InlineData(0.5f, 1e-3f)]
    [InlineData(-2f, 0.1f)]
    [InlineData(1e-4f, 1f)]
    public void AdamsFirstStepMovesByTheLearningRateAgainstTheGradientsSign(float gradient, float lr)
    {
        var (p, g) = One(3f, gradient);
        var adam = new Optimizer([p], new OptimizerOptions { Kind = OptimizerKind.Adam, Epsilon = 1e-8f });
        adam.Step(g, lr);
        // m̂ = g, v̂ = g²: Δ = −η·g/(|g| + ε).
        float expected = 3f - (lr * gradient / (MathF.Abs(gradient) + 1e-8f));
        Assert.Equal(expected, p.Values[0], 5);
        Assert.Equal(-expected, p.Values[1], 5);
    }

    [Fact]
    public void AdamUnderAConstantGradientKeepsStepsOfTheLearningRate()
    {
        var (p, g) = One(0f, 0.25f);
        var adam = new Optimizer([p], new OptimizerOptions());
        for (int k = 1; k <= 20; k++)
        {
            adam.Step(g, 0.01f);
            Assert.Equal(-0.01f * k, p.Values[0], 4); // bias correction makes m̂ = g and v̂ = g² at every step
        }
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(0.5f)]
    [InlineData(0.9f)]
    public void SgdMomentumUnderAConstantGradientFollowsTheGeometricSum(float mu)
    {
        var (p, g) = One(1f, 0.5f);
        var sgd = new Optimizer([p], new OptimizerOptions { Kind = OptimizerKind.Sgd, Momentum = mu });
        double expected = 1;
        for (int k = 1; k <= 12; k++)
        {
            sgd.Step(g, 0.1f);
            // b_k = g·(1 − μᵏ)/(1 − μ) (b₁ = g).
            expected -= 0.1 * 0.5 * (mu == 0 ? 1 : (1 - Math.Pow(mu, k)) / (1 - mu));
            Assert.Equal(expected, p.Values[0], 1e-5);
        }
    }

    [Fact]
    public void WeightDecayShrinksWeightsGeometricallyAndLeavesBiasesAlone()
    {
        var (w, gw) = One(2f, 0f);
        var (b, _) = One(2f, 0f, weight: false);
        var sgd = new Optimizer([w, b], new OptimizerOptions { Kind = OptimizerKind.Sgd, Momentum = 0, WeightDecay = 0.1f });
        for (int k = 0; k < 10; k++) sgd.Step([gw[0], [0f, 0f]], 0.5f);
        Assert.Equal(2 * Math.Pow(1 - (0.5 * 0.1), 10), w.Values[0], 5);
        Assert.Equal(2f, b.Values[0]);
    }

    [Fact]
    public void CosineScheduleStartsAtTheRateEndsAtTheFloorAndPassesTheMeanHalfway()
    {
        var o = new OptimizerOptions { LearningRate = 0.1f, MinLearningRate = 0.02f };
        Assert.Equal(0.1f, Optimizer.LearningRate(o, 0, 100), 6);
        Assert.Equal(0.06f, Optimizer.LearningRate(o, 50, 100), 6);
        Assert.Equal(0.02f, Optimizer.LearningRate(o, 100, 100), 6);
        for (int s = 1; s <= 100; s++) Assert.True(Optimizer.LearningRate(o, s, 100) <= Optimizer.LearningRate(o, s - 1, 100));
        Assert.Equal(0.1f, Optimizer.LearningRate(o with { Cosine = false }, 70, 100));
    }

    [Fact]
    public void ClippingScalesALongGradientToTheLimitAndLeavesAShortOneAlone()
    {
        float[][] g = [[3f, 0f], [0f, 4f]];
        Assert.Equal(5f, Optimizer.Clip(g, 1f));
        Assert.Equal(1f, MathF.Sqrt(g.Sum(a => a.Sum(v => v * v))), 5);
        Assert.Equal(0.6f, g[0][0], 5);
        float[][] small = [[0.3f, 0.4f]];
        Assert.Equal(0.5f, Optimizer.Clip(small, 1f), 6);
        Assert.Equal([0.3f, 0.4f], small[0]);
    }

    [Fact]
    public void ShuffleIsASeededPermutationThatChangesEveryEpoch()
    {
        int[] a = SeededShuffle.Permutation(1000, 7, 1);
        Assert.Equal(Enumerable.Range(0, 1000), a.Order());
        Assert.Equal(a, SeededShuffle.Permutation(1000, 7, 1));
        Assert.NotEqual(a, SeededShuffle.Permutation(1000, 7, 2));
        Assert.NotEqual(a, SeededShuffle.Permutation(1000, 8, 1));
        Assert.Empty(SeededShuffle.Permutation(0, 1, 1));
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-1e-3f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void ABadLearningRateIsRefusedNamingTheOption(float lr)
    {
        var e = Assert.Throws<InvalidOptionException>(() => new OptimizerOptions { LearningRate = lr }.Validate());
        Assert.StartsWith("option 'lr'", e.Message);
    }
}
