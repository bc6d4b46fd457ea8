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
}
