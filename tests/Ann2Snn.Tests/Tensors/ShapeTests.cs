using Ann2Snn.Tensors;

namespace Ann2Snn.Tests.Tensors;

public sealed class ShapeTests
{
    [Theory]
    [InlineData(new[] { 3, 4, 5 }, 3, 4, 5)]
    [InlineData(new[] { 6, 9 }, 6, 1, 9)]   // a sequence [C, L] is [C, 1, L]
    [InlineData(new[] { 7 }, 7, 1, 1)]      // a vector [F] is F channels of one element
    public void Channels_height_and_width_multiply_to_the_size(int[] dims, int channels, int height, int width)
    {
        var s = new Shape(dims);
        Assert.Equal((channels, height, width), (s.Channels, s.Height, s.Width));
        Assert.Equal(s.Size, s.Channels * s.Height * s.Width);
        Assert.Equal(dims.Length is 2 or 3, s.IsSpatial);
    }

    [Theory]
    [InlineData(new[] { 1, 28, 28 }, new[] { 28, 28 }, true)]
    [InlineData(new[] { 28, 28, 1 }, new[] { 28, 28 }, true)]
    [InlineData(new[] { 1, 28, 28 }, new[] { 1, 28, 28 }, true)]
    [InlineData(new[] { 1, 28, 28 }, new[] { 784 }, false)]
    [InlineData(new[] { 28, 28, 3 }, new[] { 3, 28, 28 }, false)] // NHWC data for an NCHW network
    [InlineData(new[] { 4, 6 }, new[] { 6, 4 }, false)]
    public void Layouts_agree_when_only_size_1_axes_differ(int[] data, int[] model, bool same)
    {
        Assert.Equal(same, new Shape(data).HasLayoutOf(new Shape(model)));
        Assert.Equal(same, new Shape(model).HasLayoutOf(new Shape(data)));
    }
}
