using System.Runtime.CompilerServices;
using Ann2Snn.Kernels;

namespace Ann2Snn.Tests.Kernels;

public sealed class AlignedFloatsTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(100_000)]
    public unsafe void StartsOnACacheLineZeroedAndHoldsItsLength(int length)
    {
        // Many buffers, so that the arrays behind them start at every possible offset.
        for (int k = 0; k < 64; k++)
        {
            var buffer = new AlignedFloats(length);
            Assert.Equal(length, buffer.Length);
            Assert.Equal(length, buffer.Span.Length);
            Assert.All(buffer.Span.ToArray(), x => Assert.Equal(0f, x));
            if (length == 0) continue;
            Assert.Equal(0, (long)Unsafe.AsPointer(ref buffer[0]) % 64);
            buffer[length - 1] = 3f;
            Assert.Equal(3f, buffer.AsSpan(length - 1, 1)[0]);
        }
    }

    [Fact]
    public void NegativeLengthIsRefused() => Assert.Throws<ArgumentOutOfRangeException>(() => new AlignedFloats(-1));
}
