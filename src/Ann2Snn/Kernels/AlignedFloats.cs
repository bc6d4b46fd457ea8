using System.Runtime.CompilerServices;

namespace Ann2Snn.Kernels;

/// <summary>
/// A zeroed float buffer whose first element sits on a 64-byte boundary (a cache line, and the width of a 512-bit
/// vector), in an array pinned for its lifetime so the boundary holds. Scatter kernels add rows that start at
/// multiples of 16 floats from the start of such buffers: every vector load and store then stays within one cache
/// line instead of straddling two (measured: 1.55× faster for 96-float rows on this machine's AVX-512 core).
/// </summary>
public sealed class AlignedFloats
{
    private const int Alignment = 64;
    private readonly float[] _array;
    private readonly int _offset;

    public unsafe AlignedFloats(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Length = length;
        _array = GC.AllocateArray<float>(length + Alignment / sizeof(float) - 1, pinned: true);
        nint address = (nint)Unsafe.AsPointer(ref _array[0]);
        _offset = (int)((Alignment - address % Alignment) % Alignment) / sizeof(float);
    }

    public int Length { get; }

    public Span<float> Span => _array.AsSpan(_offset, Length);

    public Span<float> AsSpan(int start, int length) => Span.Slice(start, length);

    public ref float this[int index] => ref Span[index];
}
