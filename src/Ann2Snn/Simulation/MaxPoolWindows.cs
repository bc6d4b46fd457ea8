using System.Runtime.CompilerServices;
using Ann2Snn.Snn;
using Ann2Snn.Tensors;

namespace Ann2Snn.Simulation;

/// <summary>
/// The windows of one max-pool layer, decoded once for a pair of layouts: for every output neuron its taps (input
/// neurons in (ky, kx) scan order), and for every input neuron the windows that hold it.
/// </summary>
internal sealed class MaxPoolWindows
{
    // per output neuron (its layout) + 1, CSR: the input neurons (their layout) of its window
    private readonly int[] _tapStart, _taps;
    // per input neuron (its layout) + 1, CSR: the output neurons whose window holds it
    private readonly int[] _windowStart, _windows;

    public MaxPoolWindows(MaxPoolLayer mp, LayerLayout input, LayerLayout output)
    {
        Layer = mp;
        Window2d w = mp.Window;
        Shape i = mp.InputShape, o = mp.Shape;
        _tapStart = new int[o.Size + 1];
        var taps = new List<int>(o.Size * w.KernelH * w.KernelW);
        var holders = new int[i.Size + 1];
        for (int at = 0; at < o.Size; at++)
        {
            var (ch, oy, ox) = output.Decode(at);
            for (int ky = 0; ky < w.KernelH; ky++)
            {
                int iy = w.InputRow(oy, ky);
                if ((uint)iy >= (uint)i.Height) continue;
                for (int kx = 0; kx < w.KernelW; kx++)
                {
                    int ix = w.InputColumn(ox, kx);
                    if ((uint)ix >= (uint)i.Width) continue;
                    int j = ch * input.ChannelStride + iy * input.RowStride + ix * input.ColumnStride;
                    taps.Add(j);
                    holders[j + 1]++;
                }
            }
            _tapStart[at + 1] = taps.Count;
        }
        _taps = taps.ToArray();
        // Invert: each input neuron's windows, in ascending output order.
        for (int j = 0; j < i.Size; j++) holders[j + 1] += holders[j];
        _windowStart = (int[])holders.Clone();
        _windows = new int[_taps.Length];
        for (int at = 0; at < o.Size; at++)
        {
            for (int t = _tapStart[at]; t < _tapStart[at + 1]; t++) _windows[holders[_taps[t]]++] = at;
        }
    }

    public MaxPoolLayer Layer { get; }

    /// <summary>The output neurons (output layout) whose window holds input neuron <paramref name="j"/> (input layout).</summary>
    public ReadOnlySpan<int> WindowsOf(int j) => _windows.AsSpan(_windowStart[j], _windowStart[j + 1] - _windowStart[j]);

    /// <summary>
    /// Scans the window of output neuron <paramref name="at"/> of one image in (ky, kx) order: returns the input with the
    /// largest count before this step (the first on ties; −1 when no tap is inside the image) and, in
    /// <paramref name="maxAfter"/>, the largest count after this step's spikes (each adds its value: ±1, or k of a burst;
    /// 0 for an empty window). Counts below 0 (a negative branch) take part as they are: the max of negative values is
    /// negative.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Scan(int at, ReadOnlySpan<int> counts, ReadOnlySpan<float> spikes, out int maxAfter)
    {
        // Counts may be negative (signed neurons with a negative branch), so both maxima start below any count.
        int best = -1, bestCount = int.MinValue;
        maxAfter = int.MinValue;
        foreach (int j in _taps.AsSpan(_tapStart[at], _tapStart[at + 1] - _tapStart[at]))
        {
            int before = counts[j];
            if (before > bestCount)
            {
                bestCount = before;
                best = j;
            }
            maxAfter = Math.Max(maxAfter, before + (int)spikes[j]);
        }
        if (best < 0) maxAfter = 0;
        return best;
    }
}
