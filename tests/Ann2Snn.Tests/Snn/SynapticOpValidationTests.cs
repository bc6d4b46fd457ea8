using Ann2Snn.Snn;
using Ann2Snn.Tensors;

namespace Ann2Snn.Tests.Snn;

/// <summary>The SNN IR's constructors refuse inconsistent geometry (a loaded file reaches the simulator only through them).</summary>
public class SynapticOpValidationTests
{
    private static FloatTensor Zeros(params int[] shape) => new(shape, new float[shape.Aggregate(1, (a, b) => a * b)]);

    public static TheoryData<string, Func<object>> Inconsistent => new()
    {
        { "rank", () => new DenseOp(new Shape(4), Zeros(4)) },
        { "does not take input", () => new DenseOp(new Shape(4), Zeros(3, 5)) },
        { "must both be [C, H, W]", () => new ConvOp(new Shape(8), Zeros(2, 8, 1, 1), Window2d.Square(1), 1, new Shape(2, 1, 1)) },
        { "groups=2", () => new ConvOp(new Shape(3, 4, 4), Zeros(2, 3, 1, 1), Window2d.Square(1), 2, new Shape(2, 4, 4)) },
        { "does not map", () => new ConvOp(new Shape(3, 4, 4), Zeros(2, 3, 1, 1), Window2d.Square(1), 1, new Shape(5, 4, 4)) },
        { "does not match weight", () => new ConvOp(new Shape(3, 4, 4), Zeros(2, 3, 3, 3), Window2d.Square(1), 1, new Shape(2, 4, 4)) },
        { "gives 2×2 planes", () => new ConvOp(new Shape(3, 4, 4), Zeros(2, 3, 3, 3), Window2d.Square(3), 1, new Shape(2, 4, 4)) },
        { "same channels", () => new AvgPoolOp(new Shape(3, 4, 4), Window2d.Square(2, 2), false, new Shape(2, 2, 2)) },
        { "gives 2×2 planes", () => new AvgPoolOp(new Shape(3, 4, 4), Window2d.Square(2, 2), false, new Shape(3, 3, 3)) },
        { "different numbers of values", () => new ReshapeOp(new Shape(3, 4, 4), new Shape(47)) },
        { "does not fit", () => new ConcatSliceOp(new Shape(3, 4, 4), 2, new Shape(4, 4, 4)) },
        { "does not fit", () => new ConcatSliceOp(new Shape(3, 4, 4), -1, new Shape(4, 4, 4)) },
        { "does not fit", () => new ConcatSliceOp(new Shape(3, 4, 4), 0, new Shape(4, 4, 5)) },
        { "token dense synapses: weight [3×5] does not take the last axis of input [2×4]",
            () => new TokenDenseOp(new Shape(2, 4), Zeros(3, 5)) },
        { "token dense synapses: weight [4] has rank 1", () => new TokenDenseOp(new Shape(2, 4), Zeros(4)) },
        { "select synapses: a map of 3 entries does not fill output [4]", () => new SelectOp(new Shape(4), [0, 1, 2], new Shape(4)) },
        { "select synapses: entry 1 reads element 4, outside input [2×2]",
            () => new SelectOp(new Shape(2, 2), [0, 4, 1, 2], new Shape(4)) },
        { "select synapses: entry 0 reads element -1", () => new SelectOp(new Shape(2, 2), [-1], new Shape(1)) },
        { "at least one op", () => new Projection(0, []) },
        { "op 1 (dense) takes [5]",
            () => new Projection(0, [new ReshapeOp(new Shape(2, 2, 1), new Shape(4)), new DenseOp(new Shape(5), Zeros(1, 5))]) },
        { "a source is a layer index", () => new Projection(-2, [new ReshapeOp(new Shape(4), new Shape(4))]) },
        { "max pool 'mp'",
            () => new MaxPoolLayer("mp", 0, new Shape(3, 4, 4), Window2d.Square(2, 2), MaxPoolScheme.Gate, new Shape(3, 4, 4)) },
    };

    [Theory]
    [MemberData(nameof(Inconsistent))]
    public void InconsistentGeometryIsRefused(string expected, Func<object> build)
    {
        var e = Assert.Throws<InvalidModelException>(build);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void ConsistentGeometryIsAccepted()
    {
        var conv = new ConvOp(new Shape(4, 5, 5), Zeros(6, 2, 3, 3), new Window2d(3, 3, 2, 2, 1, 0, 1, 0, 1, 1), 2, new Shape(6, 3, 2));
        var pool = new AvgPoolOp(new Shape(6, 3, 2), new Window2d(2, 2, 2, 2, 0, 0, 0, 0, CeilMode: true), true, new Shape(6, 2, 1));
        var cat = new ConcatSliceOp(new Shape(6, 2, 1), 1, new Shape(7, 2, 1));
        var projection = new Projection(-1, [conv, pool, cat, new ReshapeOp(new Shape(7, 2, 1), new Shape(14))]);
        Assert.Equal(new Shape(14), projection.OutputShape);
    }
}
