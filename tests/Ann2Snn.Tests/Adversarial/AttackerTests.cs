using Ann2Snn.Adversarial;
using Ann2Snn.Ann;
using Ann2Snn.Data;
using Ann2Snn.Graph;
using Ann2Snn.Tensors;
using Ann2Snn.Tests.TestUtil;

namespace Ann2Snn.Tests.Adversarial;

/// <summary>
/// <see cref="InputFrontEnd"/> and <see cref="Attacker"/>: the front end's transpose, FGSM in closed form on a linear model,
/// the balls and range every method keeps to, determinism of the random start, and the sign-flip attack silencing neurons.
/// </summary>
public class AttackerTests
{
    public static TheoryData<int[], int[], bool> Layouts() => new()
    {
        { [1, 4, 5], [1, 4, 5], false },
        { [1, 4, 5], [20], true },
        { [2, 3, 4], [3, 4, 2], true },
        { [1, 3, 3], [3, 3, 3], true },
        { [1, 3, 3], [3, 3, 3], false },
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void The_front_end_is_the_preprocessing_and_ToData_its_transpose(int[] data, int[] model, bool normalize)
    {
        var rng = new Random(data.Sum() + model.Length);
        var dataShape = new Shape(data);
        var modelShape = new Shape(model);
        int channels = data[0] == 1 && model.Length == 3 && model.Contains(3) ? 3 : data[0];
        var preprocessing = normalize
            ? new InputPreprocessing
            {
                Mean = [.. Enumerable.Range(0, channels).Select(c => 0.1f * (c + 1))],
                Std = [.. Enumerable.Range(0, channels).Select(c => 0.5f + c)],
            }
            : InputPreprocessing.Default;
        var front = InputFrontEnd.For(dataShape, modelShape, preprocessing);
        float[] u = TestGraphs.Inputs(rng, 2, dataShape.Size);
        var x = new float[2 * modelShape.Size];
        front.ToModel(u, x, 2);
        // The same as the evaluation's own preprocessing of these images.
        var expected = PreprocessedDataset
            .For(new ArrayDataset(u, [0, 1], dataShape), InputFrontEnd.ScaledOnly(preprocessing), modelShape, "m")
            .Batches(2).Single().Data;
        Assert.Equal(expected, x);
        // ⟨ToModel(u) − ToModel(0), g⟩ = ⟨u, ToData(g)⟩.
        float[] g = TestGraphs.Vector(rng, x.Length, -1f, 1f), zero = new float[x.Length], gu = new float[u.Length];
        front.ToModel(new float[u.Length], zero, 2);
        front.ToData(g, gu, 2);
        double left = x.Select((v, i) => (double)(v - zero[i]) * g[i]).Sum(), right = u.Select((v, i) => (double)v * gu[i]).Sum();
        Assert.Equal(left, right, 4);
    }

    [Fact]
    public void Fgsm_on_a_linear_model_steps_along_the_closed_form_gradient_sign()
    {
        var rng = new Random(3);
        var input = new InputNode("x", new Shape(12));
        FloatTensor w = TestGraphs.Random(rng, 1f, 4, 12);
        var graph = new ModelGraph(input, new DenseNode("fc", input, w, TestGraphs.Vector(rng, 4, -0.1f, 0.1f)), "linear");
        var attacker = new Attacker(new AnnGradients(graph), InputFrontEnd.For(new Shape(12), new Shape(12), InputPreprocessing.Default));
        float[] u = TestGraphs.Inputs(rng, 3, 12);
        int[] labels = [0, 2, 3];
        AttackBatch r = attacker.Run(u, labels, 0, new AttackOptions { Method = AttackMethod.Fgsm, Epsilon = 0.1f });
        float[] logits = new AnnExecutor(graph).Forward(u, 3);
        for (int s = 0; s < 3; s++)
        {
            var p = new float[4];
            LogitLosses.Evaluate(LogitLoss.CrossEntropy, logits.AsSpan(s * 4, 4), labels[s], p);  // softmax − onehot
            for (int i = 0; i < 12; i++)
            {
                double gi = Enumerable.Range(0, 4).Sum(o => (double)p[o] * w.Data[(o * 12) + i]);
                float expected = Math.Clamp(u[(s * 12) + i] + (0.1f * Math.Sign(gi)), 0f, 1f);
                Assert.Equal(expected, r.Adversarial[(s * 12) + i], 6);
            }
        }
    }

    [Theory]
    [InlineData(AttackMethod.Fgsm, false)]
    [InlineData(AttackMethod.Pgd, false)]
    [InlineData(AttackMethod.Pgd, true)]
    [InlineData(AttackMethod.PgdL2, false)]
    [InlineData(AttackMethod.PgdL2, true)]
    [InlineData(AttackMethod.SignFlip, false)]
    public void Every_method_stays_in_its_ball_and_the_valid_range_and_is_deterministic(AttackMethod method, bool randomStart)
    {
        ModelGraph graph = TestGraphs.SmallCnn();
        var attacker = Plain(graph);
        float[] u = TestGraphs.Inputs(new Random(5), 6, 64);
        int[] labels = [0, 1, 2, 3, 4, 5];
        float eps = method == AttackMethod.PgdL2 ? 0.8f : 0.1f;
        var options = new AttackOptions { Method = method, Epsilon = eps, Steps = 7, RandomStart = randomStart, Seed = 9 };
        AttackBatch a = attacker.Run(u, labels, 10, options);
        for (int s = 0; s < 6; s++)
        {
            double l2 = 0, linf = 0;
            for (int i = s * 64; i < (s + 1) * 64; i++)
            {
                Assert.InRange(a.Adversarial[i], 0f, 1f);
                double d = Math.Abs(a.Adversarial[i] - u[i]);
                linf = Math.Max(linf, d);
                l2 += d * d;
            }
            if (method == AttackMethod.PgdL2) Assert.True(Math.Sqrt(l2) <= eps * 1.0001, $"‖δ‖₂ = {Math.Sqrt(l2)}");
            else Assert.True(linf <= eps * 1.0001, $"‖δ‖∞ = {linf}");
            Assert.True(linf > 0, "the attack moved nothing");
        }
        AttackBatch again = attacker.Run(u, labels, 10, options);
        Assert.Equal(a.Adversarial, again.Adversarial);
        if (randomStart) Assert.NotEqual(a.Adversarial, attacker.Run(u, labels, 11, options).Adversarial);
    }

    [Fact]
    public void Pgd_fools_the_model_at_least_as_often_as_fgsm_and_epsilon_zero_changes_nothing()
    {
        ModelGraph graph = TestGraphs.ConvZoo();
        var attacker = Plain(graph);
        float[] u = TestGraphs.Inputs(new Random(8), 40, 162);
        int[] labels = attacker.Predict(u, 40);  // the model's own answers: all correct when clean
        AttackBatch none = attacker.Run(u, labels, 0, new AttackOptions { Method = AttackMethod.Pgd, Epsilon = 0f });
        Assert.Equal(u, none.Adversarial);
        Assert.Equal(labels, none.Predictions);
        int Fooled(AttackMethod m) => attacker.Run(u, labels, 0, new AttackOptions { Method = m, Epsilon = 0.05f, Steps = 10 }).Predictions
            .Where((p, i) => p != labels[i]).Count();
        int fgsm = Fooled(AttackMethod.Fgsm), pgd = Fooled(AttackMethod.Pgd);
        Assert.True(pgd >= fgsm && pgd > 0, $"PGD fooled {pgd}, FGSM {fgsm} of 40");
    }

    [Fact]
    public void The_sign_flip_attack_silences_more_neurons_with_a_larger_budget()
    {
        ModelGraph graph = TestGraphs.SmallCnn();
        var attacker = Plain(graph);
        Assert.Equal("relu2", attacker.SignFlipLayer(null).Name);
        Assert.Equal("relu1", attacker.SignFlipLayer("relu1").Name);
        Assert.Throws<InvalidOptionException>(() => attacker.SignFlipLayer("fc"));
        float[] u = TestGraphs.Inputs(new Random(2), 10, 64);
        int[] labels = attacker.Predict(u, 10);
        double Silenced(float eps)
        {
            AttackBatch b = attacker.Run(u, labels, 0, new AttackOptions { Method = AttackMethod.SignFlip, Epsilon = eps, Steps = 10 });
            Assert.True(b.Active.Sum() > 0);
            return (double)b.Silenced.Sum() / b.Active.Sum();
        }
        double none = Silenced(0f), small = Silenced(0.05f), large = Silenced(0.3f);
        Assert.Equal(0, none);
        Assert.True(small > 0 && large > small, $"silenced {small:P1} at ε = 0.05, {large:P1} at ε = 0.3");
    }

    /// <summary>An attacker on images that are the model's input as they are.</summary>
    private static Attacker Plain(ModelGraph graph) => new(new AnnGradients(graph),
        InputFrontEnd.For(graph.Input.OutputShape, graph.Input.OutputShape, InputPreprocessing.Default));

    [Theory]
    [InlineData(-0.1f, 20, null, "eps")]
    [InlineData(float.NaN, 20, null, "eps")]
    [InlineData(0.1f, 0, null, "steps")]
    [InlineData(0.1f, 20, 0f, "step-size")]
    public void Bad_options_are_refused_naming_them(float eps, int steps, float? stepSize, string option)
    {
        var o = new AttackOptions { Method = AttackMethod.Pgd, Epsilon = eps, Steps = steps, StepSize = stepSize };
        var e = Assert.Throws<InvalidOptionException>(o.Validate);
        Assert.Contains($"option '{option}'", e.Message);
    }
}
