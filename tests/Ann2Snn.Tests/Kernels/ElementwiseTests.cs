using Ann2Snn.Kernels;

namespace Ann2Snn.Tests.Kernels;

public sealed class ElementwiseTests
{
    [Fact]
    public void SoftmaxIsStableForLargeInputs()
    {
        var y = new float[3];
        Elementwise.Softmax([1000f, 1001f, 1002f], y);
        double z = 1 + Math.E + Math.E * Math.E;
        Assert.Equal(1 / z, y[0], 6);
        Assert.Equal(Math.E / z, y[1], 6);
        Assert.Equal(Math.E * Math.E / z, y[2], 6);
        Elementwise.LogSoftmax([1000f, 1001f, 1002f], y);
        Assert.Equal(-Math.Log(z), y[2] - 2, 5);
        Assert.Equal(2 - Math.Log(z), y[2], 5);
    }

    [Fact]
    public void ReluClipAndAdd()
    {
        var y = new float[4];
        Elementwise.Relu([-1f, 0f, 2f, -0.5f], y);
        Assert.Equal([0f, 0f, 2f, 0f], y);
        Elementwise.Clip([-1f, 3f, 7f, 6f], 0f, 6f, y);
        Assert.Equal([0f, 3f, 6f, 6f], y);
        Elementwise.Add([1f, 2f, 3f, 4f], [10f, 20f, 30f, 40f], y);
        Assert.Equal([11f, 22f, 33f, 44f], y);
    }

    [Fact]
    public void ScaleShiftBroadcastsScalarChannelAndFull()
    {
        float[] x = [1, 2, 3, 4, 5, 6]; // 2 channels × 3
        var y = new float[6];
        Elementwise.ScaleShift(x, 3, [2f], [1f], y);
        Assert.Equal([3f, 5, 7, 9, 11, 13], y);
        Elementwise.ScaleShift(x, 3, [1f, -1f], [0f, 10f], y);
        Assert.Equal([1f, 2, 3, 6, 5, 4], y);
        Elementwise.ScaleShift(x, 3, [1f, 1, 1, 1, 1, 2], [0.5f], y);
        Assert.Equal([1.5f, 2.5f, 3.5f, 4.5f, 5.5f, 12.5f], y);
        var ex = Assert.Throws<ArgumentException>(() => Elementwise.ScaleShift(x, 3, [1f, 2f, 3f], [0f], y));
        Assert.Contains("scale has 3 elements", ex.Message);
    }

    [Fact]
    public void ChannelAffine()
    {
        var y = new float[4];
        Elementwise.ChannelAffine([1f, 2f, 3f, 4f], 2, [2f, -1f], [1f, 0f], y);
        Assert.Equal([3f, 5f, -3f, -4f], y);
    }
}
