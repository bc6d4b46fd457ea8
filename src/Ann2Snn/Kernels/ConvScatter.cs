using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Ann2Snn.Tensors;

namespace Ann2Snn.Kernels;

/// <summary>
/// Event-driven convolution: a spike of input (c, y, x) adds, for every kernel tap whose output lands inside the
/// output map, the weights of that tap to all output channels of c's group. The kernel is stored per input channel
/// and tap as a contiguous vector over the group's output channels ([C, kH, kW, O/g]), so with a channels-last
/// target each tap is one vector add. Any target layout works: output (o, oy, ox) lives at
/// (offset + o)·channelStride + oy·rowStride + ox·columnStride (a channel offset places the output inside a
/// concatenation).
/// </summary>
[SkipLocalsInit]
public sealed class ConvScatter
{
    private readonly AlignedFloats _weight; // [C, kH, kW, O/g], scaled by the gain
    private readonly int[] _rowOffset, _columnOffset; // [H·kH], [W·kW]: target offset of the output row/column a tap reaches, or −1
    private readonly int[] _inputAt; // per input neuron (in its layout): weight offset, target channel offset, row·kH, column·kW
    private readonly int _kh, _kw, _outPerGroup, _channelStride, _targetSize;

    // Row runs: when consecutive output columns are adjacent in the target (channels-last, all output channels of one
    // group, stride and dilation 1 along x), a spike's taps in one kernel row land on one contiguous stretch of the
    // target, and with the kernel's columns stored reversed their weights are contiguous too: one add per kernel row.
    private readonly bool _rowRuns;
    // per input column x: target offset of the first output column, weight offset of its tap, length (values)
    private readonly int[] _runAt;

    /// <param name="input">[C, H, W] of the source; <paramref name="inputChannelsLast"/> says how active indices are laid out.</param>
    /// <param name="inputChannelsLast">Active indices address (y, x, c) channels-last rather than (c, y, x).</param>
    /// <param name="outChannels">Output channels O of the convolution.</param>
    /// <param name="window">Kernel, stride, padding and dilation.</param>
    /// <param name="groups">Channel groups (C and O divisible by it).</param>
    /// <param name="weight">[O, C/g, kH, kW].</param>
    /// <param name="gain">Value each spike carries (weights are scaled by it once).</param>
    /// <param name="target">Strides of the target layout, the channel offset inside it and its size per sample.</param>
    public ConvScatter(Shape input, bool inputChannelsLast, int outChannels, Window2d window, int groups, ReadOnlySpan<float> weight,
        float gain, (int ChannelStride, int RowStride, int ColumnStride, int ChannelOffset, int Size) target)
    {
        ArgumentNullException.ThrowIfNull(input);
        var g = new Conv2dGeometry(input.Channels, input.Height, input.Width, outChannels, window, groups);
        if (weight.Length != g.WeightSize) throw new ArgumentException($"event convolution: weight has {weight.Length} values, "
            + $"expected {g.WeightSize}");
        long last = (long)(target.ChannelOffset + outChannels - 1) * target.ChannelStride
            + (long)(g.OutHeight - 1) * target.RowStride + (long)(g.OutWidth - 1) * target.ColumnStride;
        if (target.ChannelOffset < 0 || target.ChannelStride <= 0 || target.RowStride <= 0 || target.ColumnStride <= 0
            || last >= target.Size)
        {
            throw new ArgumentException($"event convolution: output {outChannels}×{g.OutHeight}×{g.OutWidth} "
                + "does not fit the target layout");
        }
        (_kh, _kw, _outPerGroup) = (window.KernelH, window.KernelW, g.GroupOutChannels);
        (_channelStride, _targetSize) = (target.ChannelStride, target.Size);
        int taps = _kh * _kw, inPerGroup = g.GroupInChannels;
        _rowRuns = target.ChannelStride == 1 && target.ColumnStride == _outPerGroup && window.StrideW == 1 && window.DilationW == 1;
        _weight = new AlignedFloats(weight.Length);
        for (int o = 0; o < outChannels; o++)
        {
            int group = o / _outPerGroup, og = o % _outPerGroup;
            for (int ci = 0; ci < inPerGroup; ci++)
            {
                int c = group * inPerGroup + ci;
                for (int k = 0; k < taps; k++)
                {
                    int stored = _rowRuns ? k / _kw * _kw + (_kw - 1 - k % _kw) : k; // row runs: kernel columns reversed
                    _weight[(c * taps + stored) * _outPerGroup + og] = weight[(o * inPerGroup + ci) * taps + k] * gain;
                }
            }
        }
        // Decode each input index once: (c, y, x) from channels-last (y, x, c) or canonical (c, y, x) order.
        int plane = input.Height * input.Width;
        _inputAt = new int[4 * input.Size];
        for (int j = 0; j < input.Size; j++)
        {
            int c, pixel;
            if (inputChannelsLast) pixel = Math.DivRem(j, input.Channels, out c);
            else c = Math.DivRem(j, plane, out pixel);
            int y = Math.DivRem(pixel, input.Width, out int x);
            _inputAt[4 * j] = c * taps * _outPerGroup;
            _inputAt[4 * j + 1] = (target.ChannelOffset + c / inPerGroup * _outPerGroup) * target.ChannelStride;
            _inputAt[4 * j + 2] = y * _kh;
            _inputAt[4 * j + 3] = x * _kw;
        }
        _rowOffset = TapOffsets(input.Height, _kh, window.StrideH, window.PadTop, window.DilationH, g.OutHeight, target.RowStride);
        _columnOffset = TapOffsets(input.Width, _kw, window.StrideW, window.PadLeft, window.DilationW, g.OutWidth, target.ColumnStride);
        _runAt = new int[3 * input.Width];
        if (_rowRuns)
        {
            // Tap kx reaches output column x + pad − kx; the valid taps form one interval, so their outputs and
            // (reversed) weights are contiguous.
            for (int x = 0; x < input.Width; x++)
            {
                int lo = -1, hi = -1; // valid taps, as kx
                for (int kx = 0; kx < _kw; kx++)
                {
                    if (_columnOffset[x * _kw + kx] < 0) continue;
                    if (lo < 0) lo = kx;
                    hi = kx;
                }
                if (lo < 0) continue; // no output column: length 0
                _runAt[3 * x] = _columnOffset[x * _kw + hi];
                _runAt[3 * x + 1] = (_kw - 1 - hi) * _outPerGroup;
                _runAt[3 * x + 2] = (hi - lo + 1) * _outPerGroup;
            }
        }
    }

    public int InputSize => _inputAt.Length / 4;

    /// <summary>
    /// For input position i and tap k: the output o with o·stride − pad + k·dilation = i, as a target offset, or −1.
    /// </summary>
    private static int[] TapOffsets(int size, int kernel, int stride, int pad, int dilation, int outSize, int targetStride)
    {
        var map = new int[size * kernel];
        for (int i = 0; i < size; i++)
        {
            for (int k = 0; k < kernel; k++)
            {
                int o = SpikeScatter.WindowAt(i, k, stride, pad, dilation, outSize);
                map[i * kernel + k] = o >= 0 ? o * targetStride : -1;
            }
        }
        return map;
    }

    /// <summary>target += the contribution of every spike in <paramref name="active"/> (one sample).</summary>
    public void Scatter(ReadOnlySpan<int> active, Span<float> target) => Scatter<Plus>(active, target);

    /// <summary>
    /// target −= the contribution of every spike in <paramref name="active"/>: the −1 spikes of signed neurons (one sample).
    /// </summary>
    public void ScatterNegative(ReadOnlySpan<int> active, Span<float> target) => Scatter<Minus>(active, target);

    private void Scatter<TOp>(ReadOnlySpan<int> active, Span<float> target)
        where TOp : struct, IAccumulate
    {
        if (target.Length != _targetSize) throw new ArgumentException($"event convolution: target has {target.Length} values, "
            + $"expected {_targetSize}");
        int kh = _kh, kw = _kw, opg = _outPerGroup, cs = _channelStride;
        ref float y = ref MemoryMarshal.GetReference(target);
        ref float w0 = ref MemoryMarshal.GetReference(_weight.Span);
        ref int rows = ref MemoryMarshal.GetReference(_rowOffset.AsSpan());
        ref int cols = ref MemoryMarshal.GetReference(_columnOffset.AsSpan());
        uint inputSize = (uint)InputSize;
        if (_rowRuns)
        {
            ref int runs = ref MemoryMarshal.GetReference(_runAt.AsSpan());
            foreach (int j in active)
            {
                if ((uint)j >= inputSize) throw new ArgumentOutOfRangeException(nameof(active),
                    $"active neuron {j} is outside 0..{inputSize - 1}");
                ref int at = ref _inputAt[4 * j];
                int channelAt = Unsafe.Add(ref at, 1), iy = Unsafe.Add(ref at, 2);
                ref int run = ref Unsafe.Add(ref runs, 3 * (Unsafe.Add(ref at, 3) / kw));
                int length = Unsafe.Add(ref run, 2);
                if (length == 0) continue;
                ref float wc = ref Unsafe.Add(ref w0, at + Unsafe.Add(ref run, 1));
                ref float yc = ref Unsafe.Add(ref y, channelAt + run);
                for (int ky = 0; ky < kh; ky++)
                {
                    int rowAt = Unsafe.Add(ref rows, iy + ky);
                    if (rowAt >= 0) SpikeScatter.Accumulate<TOp>(ref Unsafe.Add(ref yc, rowAt), ref Unsafe.Add(ref wc, ky * kw * opg),
                        length);
                }
            }
            return;
        }
        foreach (int j in active)
        {
            if ((uint)j >= inputSize) throw new ArgumentOutOfRangeException(nameof(active),
                $"active neuron {j} is outside 0..{inputSize - 1}");
            ref int at = ref _inputAt[4 * j];
            int channelAt = Unsafe.Add(ref at, 1), iy = Unsafe.Add(ref at, 2), ix = Unsafe.Add(ref at, 3);
            ref float wc = ref Unsafe.Add(ref w0, at);
            for (int ky = 0; ky < kh; ky++)
            {
                int rowAt = Unsafe.Add(ref rows, iy + ky);
                if (rowAt < 0) continue;
                for (int kx = 0; kx < kw; kx++)
                {
                    int colAt = Unsafe.Add(ref cols, ix + kx);
                    if (colAt < 0) continue;
                    ref float wt = ref Unsafe.Add(ref wc, (ky * kw + kx) * opg);
                    ref float yt = ref Unsafe.Add(ref y, channelAt + rowAt + colAt);
                    if (cs == 1)
                    {
                        SpikeScatter.Accumulate<TOp>(ref yt, ref wt, opg);
                    }
                    else
                    {
                        for (int o = 0; o < opg; o++) Unsafe.Add(ref yt, o * cs) = TOp.Apply(Unsafe.Add(ref yt, o * cs),
                            Unsafe.Add(ref wt, o));
                    }
                }
            }
        }
    }
}
