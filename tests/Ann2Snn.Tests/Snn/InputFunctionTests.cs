using Ann2Snn.Ann;
using Ann2Snn.Conversion;
using Ann2Snn.Graph;
using Ann2Snn.Snn;
using Ann2Snn.Tensors;
using Ann2Snn.Tests.TestUtil;

namespace Ann2Snn.Tests.Snn;

public class InputFunctionTests
{
    private static readonly Shape Sample = new(2, 3, 3);

    public static TheoryData<string> Chains =>
    [
        "affine-channel-tanh", "affine-element-sigmoid", "sigmoid", "tanh", "leaky", "prelu", "elu", "hardsigmoid", "hardswish", "clip",
        "floor",
        "relu-then-tanh", "affine-tanh-clip", "affine-sigmoid-affine-hardswish",
    ];

    internal static Node Chain(string name, Node x, Random rng)
    {
        float[] Channels(float lo, float hi) => TestGraphs.Vector(rng, x.OutputShape.Channels, lo, hi);
        return name switch
        {
            "affine-channel-tanh" => new ActivationNode("g", new ScaleShiftNode("c", x, Channels(0.5f, 3f), Channels(-1f, 1f)),
                ActivationKind.Tanh),
            "affine-element-sigmoid" => new ActivationNode("g", new ScaleShiftNode("c", x, TestGraphs.Vector(rng, x.OutputShape.Size,
                -2f, 2f), [-0.5f]), ActivationKind.Sigmoid),
            "sigmoid" => new ActivationNode("g", x, ActivationKind.Sigmoid),
            "tanh" => new ActivationNode("g", x, ActivationKind.Tanh),
            "leaky" => new ActivationNode("g", new ScaleShiftNode("c", x, [2f], [-1f]), ActivationKind.LeakyRelu, 0.2f),
            "prelu" => new ActivationNode("g", new ScaleShiftNode("c", x, [2f], [-1f]), ActivationKind.PRelu, slope: Channels(-0.5f, 1.5f)),
            "elu" => new ActivationNode("g", new ScaleShiftNode("c", x, [3f], [-1.5f]), ActivationKind.Elu, 0.7f),
            "hardsigmoid" => new ActivationNode("g", new ScaleShiftNode("c", x, [8f], [-4f]), ActivationKind.HardSigmoid, 0.2f, 0.5f),
            "hardswish" => new ActivationNode("g", new ScaleShiftNode("c", x, [8f], [-4f]), ActivationKind.HardSwish),
            "clip" => new ClipNode("g", x, 0.2f, 0.7f),
            "floor" => new ActivationNode("g", new ScaleShiftNode("c", x, [4f], [-2f]), ActivationKind.Floor),
            "relu-then-tanh" => new ActivationNode("g", new ReluNode("r", new ScaleShiftNode("c", x, [2f], [-1f])), ActivationKind.Tanh),
            "affine-tanh-clip" => new ClipNode("g", new ActivationNode("t", new ScaleShiftNode("c", x, Channels(1f, 3f), [-1f]),
                ActivationKind.Tanh), -0.5f, 0.5f),
            "affine-sigmoid-affine-hardswish" => new ActivationNode("g", new ScaleShiftNode("c2", new ActivationNode("s",
                new ScaleShiftNode("c1", x, [4f], [-2f]), ActivationKind.Sigmoid), [6f], [-3f]), ActivationKind.HardSwish),
            _ => throw new ArgumentException(name),
        };
    }

    [Theory]
    [MemberData(nameof(Chains))]
    public void TheEncoderComputesWhatTheAnnComputesToTheBit(string name)
    {
        var rng = new Random(name.Length);
        var input = new InputNode("input", Sample);
        var graph = new ModelGraph(input, Chain(name, input, rng), name);
        InputFunction g = InputFunctionChain.Function(graph)!;
        Assert.Equal(graph.Nodes.Count(n => n is not InputNode), g.Steps.Count);
        const int count = 5;
        float[] x = TestGraphs.Vector(rng, count * Sample.Size, -0.2f, 1.2f);
        float[] expected = new AnnExecutor(graph).Forward(x, count);
        float[] y = new float[x.Length], scratch = new float[x.Length], before = (float[])x.Clone();
        g.Apply(x, y, scratch, count);
        Assert.Equal(expected, y);
        Assert.Equal(before, x);

        // The text form reads back as the same function.
        InputFunction again = InputFunction.Parse(g.ToString(), Sample);
        Assert.Equal(g.Steps, again.Steps);
        Assert.Equal(g.ToString(), again.ToString());
    }

    [Fact]
    public void TheTextFormIsShortAndExact()
    {
        var f = new InputFunction([new(InputFunctionKind.Affine, [[2f], [-1f]]), new(InputFunctionKind.Tanh),
            new(InputFunctionKind.Clip, [[float.NegativeInfinity], [0.1f]])], Sample);
        Assert.Equal("affine:2/-1;tanh;clip:-Infinity/0.1", f.ToString());
        Assert.Equal(f.Steps, InputFunction.Parse(" affine : 2 / -1 ; tanh;clip:-Infinity/0.1", Sample).Steps);
    }

    [Theory]
    [InlineData("", "step 1: '' is not one of affine, sigmoid")]
    [InlineData("sigmoid;cosine", "step 2: 'cosine' is not one of")]
    [InlineData("affine:2/x", "step 1 (affine): 'x' is not a number")]
    [InlineData("affine:2", "step 1 (affine): 1 parameter lists, expected 2")]
    [InlineData("tanh:1", "step 1 (tanh): 1 parameter lists, expected 0")]
    [InlineData("affine:1,2,3/0", "step 1 (affine): a list of 3 values, expected 1, 2 (channels) or 18")]
    [InlineData("leaky_relu:0.1,0.2", "step 1 (leaky_relu): a list of 2 values, expected 1")]
    [InlineData("elu:NaN", "step 1 (elu): a value is not finite")]
    [InlineData("clip:NaN/1", "step 1 (clip): a value is NaN")]
    [InlineData("clip:1/0", "step 1 (clip): lower bound 1 above upper bound 0")]
    public void AMalformedFunctionIsRefusedInOneLineNamingTheStep(string text, string expected)
    {
        var e = Assert.Throws<InvalidModelException>(() => InputFunction.Parse(text, Sample));
        Assert.StartsWith($"{InputFunction.Key} '", e.Message);
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Equal(InputFunction.Problem(text, Sample), e.Message[(e.Message.IndexOf("': ", StringComparison.Ordinal) + 3)..]);
    }
}
