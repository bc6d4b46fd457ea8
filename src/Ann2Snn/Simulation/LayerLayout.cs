using System.Numerics.Tensors;
using Ann2Snn.Tensors;

namespace Ann2Snn.Simulation;

/// <summary>
/// Where each neuron of a population sits in a simulator's state arrays. Canonical order is the network's own
/// ([C, H, W] row-major, or [F]); channels-last order ([H, W, C]) puts the channels of one pixel next to each other,
/// so that a convolution's spike can add a contiguous vector of output channels. Element-wise work (charge, fire,
/// reset) does not care which; only index maps (probes, per-neuron counts, bias, synapses) do.
/// </summary>
internal sealed class LayerLayout
{
    private readonly int[]? _toCanonical, _toInternal;

    private LayerLayout(Shape shape, bool channelsLast)
    {
        Shape = shape;
        IsChannelsLast = channelsLast;
        int c = shape.Channels, h = shape.Height, w = shape.Width;
        (ChannelStride, RowStride, ColumnStride) = channelsLast ? (1, w * c, c) : (h * w, w, 1);
        if (channelsLast)
        {
            _toCanonical = new int[shape.Size];
            _toInternal = new int[shape.Size];
            for (int i = 0; i < shape.Size; i++)
            {
                int ch = i / (h * w), y = i / w % h, x = i % w;
                int j = ch * ChannelStride + y * RowStride + x * ColumnStride;
                _toInternal[i] = j;
                _toCanonical[j] = i;
            }
        }
    }

    public static LayerLayout Canonical(Shape shape) => new(shape, false);

    /// <summary>Channels-last where it changes anything: a [C, H, W] shape with more than one channel and more than one pixel.</summary>
    public static LayerLayout ChannelsLastWhereUseful(Shape shape) =>
        new(shape, shape.Rank == 3 && shape.Channels > 1 && shape.Height * shape.Width > 1);

    public Shape Shape { get; }
    public bool IsChannelsLast { get; }
    public int ChannelStride { get; }
    public int RowStride { get; }
    public int ColumnStride { get; }

    /// <summary>Internal index → canonical index, or null when they are the same.</summary>
    public ReadOnlySpan<int> ToCanonicalMap => _toCanonical;

    public int ToInternal(int canonical) => _toInternal is null ? canonical : _toInternal[canonical];

    public int ToCanonical(int index) => _toCanonical is null ? index : _toCanonical[index];

    /// <summary>Channel, row and column of the neuron at <paramref name="index"/> in this layout.</summary>
    public (int Channel, int Y, int X) Decode(int index)
    {
        int c, pixel;
        if (IsChannelsLast)
        {
            pixel = Math.DivRem(index, Shape.Channels, out c);
        }
        else
        {
            c = Math.DivRem(index, Shape.Height * Shape.Width, out pixel);
        }
        int y = Math.DivRem(pixel, Shape.Width, out int x);
        return (c, y, x);
    }

    /// <summary>A canonical per-neuron vector in this layout (the same array when nothing moves).</summary>
    public float[] FromCanonical(float[] canonical)
    {
        if (_toInternal is null) return canonical;
        var y = new float[canonical.Length];
        for (int i = 0; i < canonical.Length; i++) y[_toInternal[i]] = canonical[i];
        return y;
    }

    /// <summary>y[internal(i)] += x[i] for one sample: one rounding per element, as an element-wise add.</summary>
    public void AddFromCanonical(ReadOnlySpan<float> x, Span<float> y)
    {
        if (_toInternal is null)
        {
            TensorPrimitives.Add(y, x, y);
            return;
        }
        for (int i = 0; i < x.Length; i++) y[_toInternal[i]] += x[i];
    }

    /// <summary>y[i] = x[internal(i)] for one sample.</summary>
    public void CopyToCanonical(ReadOnlySpan<float> x, Span<float> y)
    {
        if (_toInternal is null)
        {
            x.CopyTo(y);
            return;
        }
        for (int i = 0; i < y.Length; i++) y[i] = x[_toInternal[i]];
    }
}
