using System.Runtime.CompilerServices;
using Ann2Snn.Graph;
using Ann2Snn.Kernels;
using Ann2Snn.Snn;

namespace Ann2Snn.Simulation;

/// <summary>Max pooling of spike trains by a <see cref="MaxPoolScheme"/> circuit, one step for a chunk of images.</summary>
internal static class MaxPoolCircuit
{
    /// <summary>
    /// WTA: output count = max over the window of the input counts, so a spike is emitted exactly when that max
    /// grows (the shared inhibitory interneuron's spike, which lowers every excitatory unit by one), and, with signed
    /// inputs (counts change by ±1), a −1 spike when it shrinks.
    /// Gate: the spike (+1, or −1 from a signed input) of the input with the largest count before this step passes
    /// (ties to the first in window order).
    /// Input and output may be in any <see cref="LayerLayout"/>; windows are scanned in the same (ky, kx) order either
    /// way. Adds each output spike to <paramref name="neuronSpikes"/> (canonical index); returns the spikes emitted.
    /// </summary>
    public static int Step(MaxPoolLayer mp, LayerLayout inLayout, LayerLayout outLayout, int n, ReadOnlySpan<float> src, int[] cin, int[] cout, Span<float> dst, long[] neuronSpikes)
    {
        Shape i = mp.InputShape, o = mp.Shape;
        Window2d w = mp.Window;
        int inSize = i.Size, outSize = o.Size, count = 0;
        int ocs = outLayout.ChannelStride, oys = outLayout.RowStride, oxs = outLayout.ColumnStride;
        bool wta = mp.Scheme == MaxPoolScheme.WinnerTakeAll;
        for (int b = 0; b < n; b++)
        {
            ReadOnlySpan<int> counts = cin.AsSpan(b * inSize, inSize);
            ReadOnlySpan<float> spikes = src.Slice(b * inSize, inSize);
            for (int ch = 0; ch < o.Channels; ch++)
            {
                for (int oy = 0; oy < o.Height; oy++)
                {
                    for (int ox = 0; ox < o.Width; ox++)
                    {
                        int best = ScanWindow(mp, inLayout, counts, spikes, ch, oy, ox, out int maxAfter);
                        int oat = b * outSize + ch * ocs + oy * oys + ox * oxs;
                        int fire = wta ? Math.Sign(maxAfter - cout[oat]) : best >= 0 ? Sign(spikes[best]) : 0;
                        dst[oat] = fire;
                        if (fire != 0)
                        {
                            cout[oat] += fire;
                            count++;
                            neuronSpikes[(ch * o.Height + oy) * o.Width + ox] += fire;
                        }
                    }
                }
            }
            // Count this step's input spikes after all windows have looked (windows may overlap).
            ReadOnlySpan<float> s = src.Slice(b * inSize, inSize);
            for (int k = 0; k < inSize; k++) cin[b * inSize + k] += Sign(s[k]);
        }
        return count;
    }

    /// <summary>A spike's sign: +1, −1, or 0 for no spike.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Sign(float spike) => (spike > 0f ? 1 : 0) - (spike < 0f ? 1 : 0);

    /// <summary>
    /// Scans window (ch, oy, ox) of one image in (ky, kx) order: returns the input with the largest count before this
    /// step (the first on ties; −1 when no tap is inside the image) and, in <paramref name="maxAfter"/>, the largest
    /// count after this step's spikes (0 for an empty window).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ScanWindow(MaxPoolLayer mp, LayerLayout layout, ReadOnlySpan<int> counts, ReadOnlySpan<float> spikes, int ch, int oy, int ox, out int maxAfter)
    {
        Shape i = mp.InputShape;
        Window2d w = mp.Window;
        int best = -1, bestCount = -1;
        maxAfter = 0;
        for (int ky = 0; ky < w.KernelH; ky++)
        {
            int iy = oy * w.StrideH - w.PadTop + ky * w.DilationH;
            if ((uint)iy >= (uint)i.Height) continue;
            for (int kx = 0; kx < w.KernelW; kx++)
            {
                int ix = ox * w.StrideW - w.PadLeft + kx * w.DilationW;
                if ((uint)ix >= (uint)i.Width) continue;
                int at = ch * layout.ChannelStride + iy * layout.RowStride + ix * layout.ColumnStride;
                int before = counts[at];
                if (before > bestCount)
                {
                    bestCount = before;
                    best = at;
                }
                maxAfter = Math.Max(maxAfter, before + Sign(spikes[at]));
            }
        }
        return best;
    }
}

/// <summary>
/// The event-driven step of one max-pool circuit: the same results as <see cref="MaxPoolCircuit.Step"/>, visiting
/// only the windows that hold an input spike of this step (no other window can fire). WTA keeps output count = max
/// of the window's input counts at every step, so a window fires exactly when one of its spiking inputs had reached
/// that max; a gate evaluates each touched window once. Built once per run (tap maps and index decoding).
/// </summary>
internal sealed class EventMaxPool
{
    private readonly MaxPoolLayer _mp;
    private readonly LayerLayout _in, _out;
    private readonly int[] _windowStart; // per input neuron (its layout) + 1: where its windows start in _windows (CSR)
    private readonly int[] _windows;     // the output neurons (output layout) whose window holds each input neuron
    private readonly int[] _canonicalOut; // per output neuron (its layout): its canonical index

    public EventMaxPool(MaxPoolLayer mp, LayerLayout input, LayerLayout output)
    {
        _mp = mp;
        _in = input;
        _out = output;
        Window2d w = mp.Window;
        Shape i = mp.InputShape, o = mp.Shape;
        int[] rowWindow = Windows(i.Height, w.KernelH, w.StrideH, w.PadTop, w.DilationH, o.Height);
        int[] columnWindow = Windows(i.Width, w.KernelW, w.StrideW, w.PadLeft, w.DilationW, o.Width);
        // Every input neuron's windows, decoded once: a spike then visits a short list instead of the kernel's taps.
        _windowStart = new int[i.Size + 1];
        var windows = new List<int>(i.Size);
        for (int j = 0; j < i.Size; j++)
        {
            var (c, y, x) = input.Decode(j);
            for (int ky = 0; ky < w.KernelH; ky++)
            {
                int oy = rowWindow[y * w.KernelH + ky];
                if (oy < 0) continue;
                for (int kx = 0; kx < w.KernelW; kx++)
                {
                    int ox = columnWindow[x * w.KernelW + kx];
                    if (ox >= 0) windows.Add(c * output.ChannelStride + oy * output.RowStride + ox * output.ColumnStride);
                }
            }
            _windowStart[j + 1] = windows.Count;
        }
        _windows = windows.ToArray();
        _canonicalOut = new int[o.Size];
        for (int at = 0; at < o.Size; at++) _canonicalOut[at] = output.ToCanonical(at);
    }

    private static int[] Windows(int size, int kernel, int stride, int pad, int dilation, int outSize)
    {
        var map = new int[size * kernel];
        for (int p = 0; p < size; p++)
        {
            for (int k = 0; k < kernel; k++) map[p * kernel + k] = SpikeScatter.WindowAt(p, k, stride, pad, dilation, outSize);
        }
        return map;
    }

    /// <summary>
    /// One step for n images. Per image b, <paramref name="active"/> lists the input spikes (at b·inSize,
    /// <paramref name="activeCounts"/>[b] of them); <paramref name="fired"/> holds last step's output spikes on entry
    /// (they are cleared from <paramref name="dst"/>) and this step's on return, in the order found.
    /// <paramref name="visited"/> marks the windows a gate evaluated in step <paramref name="stamp"/> (a value not
    /// used before with this array). Returns the spikes emitted.
    /// </summary>
    public int Step(int n, ReadOnlySpan<float> src, ReadOnlySpan<int> active, ReadOnlySpan<int> activeCounts, int[] cin, int[] cout, int[] visited, int stamp,
        Span<float> dst, Span<int> fired, Span<int> firedCounts, long[] neuronSpikes)
    {
        int inSize = _mp.InputShape.Size, outSize = _mp.Shape.Size, total = 0;
        bool wta = _mp.Scheme == MaxPoolScheme.WinnerTakeAll;
        ReadOnlySpan<int> starts = _windowStart, windows = _windows, canonical = _canonicalOut;
        for (int b = 0; b < n; b++)
        {
            Span<float> y = dst.Slice(b * outSize, outSize);
            Span<int> outList = fired.Slice(b * outSize, outSize);
            foreach (int at in outList[..firedCounts[b]]) y[at] = 0f;
            int count = 0;
            ReadOnlySpan<int> inList = active.Slice(b * inSize, activeCounts[b]);
            ReadOnlySpan<float> x = src.Slice(b * inSize, inSize);
            Span<int> ci = cin.AsSpan(b * inSize, inSize), co = cout.AsSpan(b * outSize, outSize), seen = visited.AsSpan(b * outSize, outSize);
            foreach (int j in inList)
            {
                int before = ci[j];
                foreach (int at in windows[starts[j]..starts[j + 1]])
                {
                    if (y[at] != 0f) continue; // fired already in this step
                    bool fire;
                    if (wta)
                    {
                        fire = before == co[at];
                    }
                    else
                    {
                        if (seen[at] == stamp) continue;
                        seen[at] = stamp;
                        var (ch, oy, ox) = _out.Decode(at);
                        fire = x[MaxPoolCircuit.ScanWindow(_mp, _in, ci, x, ch, oy, ox, out _)] != 0f;
                    }
                    if (!fire) continue;
                    y[at] = 1f;
                    co[at]++;
                    outList[count++] = at;
                    neuronSpikes[canonical[at]]++;
                }
            }
            // Count this step's input spikes after all windows have looked (windows may overlap).
            foreach (int j in inList) ci[j]++;
            firedCounts[b] = count;
            total += count;
        }
        return total;
    }

    /// <summary>
    /// One step over signed inputs: as <see cref="Step"/>, but the input spikes of image b are listed by sign
    /// (<paramref name="up"/>/<paramref name="down"/> at b·inSize) and so are the output spikes (<paramref name="firedUp"/>,
    /// <paramref name="firedDown"/> at b·outSize; last step's on entry, this step's on return). Every window holding an
    /// input spike is evaluated once, as the dense circuit does; returns the events emitted.
    /// </summary>
    public int StepSigned(int n, ReadOnlySpan<float> src, ReadOnlySpan<int> up, ReadOnlySpan<int> upCounts, ReadOnlySpan<int> down, ReadOnlySpan<int> downCounts,
        int[] cin, int[] cout, int[] visited, int stamp, Span<float> dst, Span<int> firedUp, Span<int> firedUpCounts, Span<int> firedDown, Span<int> firedDownCounts, long[] neuronSpikes)
    {
        int inSize = _mp.InputShape.Size, outSize = _mp.Shape.Size, total = 0;
        bool wta = _mp.Scheme == MaxPoolScheme.WinnerTakeAll;
        for (int b = 0; b < n; b++)
        {
            Span<float> y = dst.Slice(b * outSize, outSize);
            Span<int> outUp = firedUp.Slice(b * outSize, outSize), outDown = firedDown.Slice(b * outSize, outSize);
            foreach (int at in outUp[..firedUpCounts[b]]) y[at] = 0f;
            foreach (int at in outDown[..firedDownCounts[b]]) y[at] = 0f;
            int nUp = 0, nDown = 0;
            ReadOnlySpan<int> inUp = up.Slice(b * inSize, upCounts[b]), inDown = down.Slice(b * inSize, downCounts[b]);
            ReadOnlySpan<float> x = src.Slice(b * inSize, inSize);
            Span<int> ci = cin.AsSpan(b * inSize, inSize), co = cout.AsSpan(b * outSize, outSize), seen = visited.AsSpan(b * outSize, outSize);
            for (int list = 0; list < 2; list++)
            {
                foreach (int j in list == 0 ? inUp : inDown)
                {
                    foreach (int at in _windows.AsSpan(_windowStart[j].._windowStart[j + 1]))
                    {
                        if (seen[at] == stamp) continue;
                        seen[at] = stamp;
                        var (ch, oy, ox) = _out.Decode(at);
                        int best = MaxPoolCircuit.ScanWindow(_mp, _in, ci, x, ch, oy, ox, out int maxAfter);
                        int fire = wta ? Math.Sign(maxAfter - co[at]) : MaxPoolCircuit.Sign(x[best]);
                        if (fire == 0) continue;
                        y[at] = fire;
                        co[at] += fire;
                        if (fire > 0) outUp[nUp++] = at;
                        else outDown[nDown++] = at;
                        neuronSpikes[_canonicalOut[at]] += fire;
                    }
                }
            }
            foreach (int j in inUp) ci[j]++;
            foreach (int j in inDown) ci[j]--;
            firedUpCounts[b] = nUp;
            firedDownCounts[b] = nDown;
            total += nUp + nDown;
        }
        return total;
    }
}
