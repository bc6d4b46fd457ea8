using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Ann2Snn.Snn;
using Ann2Snn.Tensors;

namespace Ann2Snn.Simulation;

/// <summary>
/// The windows of one max-pool layer, decoded once for a pair of layouts: for every output neuron its taps (input
/// neurons in (ky, kx) scan order), and for every input neuron the windows that hold it.
/// </summary>
internal sealed class MaxPoolWindows
{
    private readonly int[] _tapStart, _taps;       // per output neuron (its layout) + 1, CSR: the input neurons (their layout) of its window
    private readonly int[] _windowStart, _windows; // per input neuron (its layout) + 1, CSR: the output neurons whose window holds it

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
    /// <paramref name="maxAfter"/>, the largest count after this step's spikes (0 for an empty window).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Scan(int at, ReadOnlySpan<int> counts, ReadOnlySpan<float> spikes, out int maxAfter)
    {
        int best = -1, bestCount = -1;
        maxAfter = 0;
        foreach (int j in _taps.AsSpan(_tapStart[at], _tapStart[at + 1] - _tapStart[at]))
        {
            int before = counts[j];
            if (before > bestCount)
            {
                bestCount = before;
                best = j;
            }
            maxAfter = Math.Max(maxAfter, before + MaxPoolCircuit.Sign(spikes[j]));
        }
        return best;
    }
}

/// <summary>Max pooling of spike trains by a <see cref="MaxPoolScheme"/> circuit, one step for a chunk of images.</summary>
internal static class MaxPoolCircuit
{
    /// <summary>
    /// WTA: output count = max over the window of the input counts, so a spike is emitted exactly when that max
    /// grows (the shared inhibitory interneuron's spike, which lowers every excitatory unit by one), and, with signed
    /// inputs (counts change by ±1), a −1 spike when it shrinks.
    /// Gate: the spike (+1, or −1 from a signed input) of the input with the largest count before this step passes
    /// (ties to the first in window order).
    /// Input and output may be in any <see cref="LayerLayout"/> (those <paramref name="windows"/> was built for); windows
    /// are scanned in the same (ky, kx) order either way. Adds each output spike to <paramref name="neuronSpikes"/>
    /// (index in the output layout); returns the spikes emitted.
    /// </summary>
    public static int Step(MaxPoolWindows windows, int n, ReadOnlySpan<float> src, int[] cin, int[] cout, Span<float> dst, long[] neuronSpikes)
    {
        MaxPoolLayer mp = windows.Layer;
        int inSize = mp.InputShape.Size, outSize = mp.Shape.Size, count = 0;
        bool wta = mp.Scheme == MaxPoolScheme.WinnerTakeAll;
        for (int b = 0; b < n; b++)
        {
            ReadOnlySpan<int> counts = cin.AsSpan(b * inSize, inSize);
            ReadOnlySpan<float> spikes = src.Slice(b * inSize, inSize);
            Span<int> co = cout.AsSpan(b * outSize, outSize);
            Span<float> y = dst.Slice(b * outSize, outSize);
            for (int at = 0; at < outSize; at++)
            {
                int best = windows.Scan(at, counts, spikes, out int maxAfter);
                int fire = wta ? Math.Sign(maxAfter - co[at]) : best >= 0 ? Sign(spikes[best]) : 0;
                y[at] = fire;
                if (fire != 0)
                {
                    co[at] += fire;
                    count++;
                    neuronSpikes[at] += fire;
                }
            }
            // Count this step's input spikes after all windows have looked (windows may overlap).
            AddSigns(spikes, cin.AsSpan(b * inSize, inSize));
        }
        return count;
    }

    /// <summary>counts[k] += sign(spikes[k]) for every k.</summary>
    private static void AddSigns(ReadOnlySpan<float> spikes, Span<int> counts)
    {
        int k = 0;
        if (Vector.IsHardwareAccelerated)
        {
            ReadOnlySpan<Vector<float>> s = MemoryMarshal.Cast<float, Vector<float>>(spikes);
            Span<Vector<int>> c = MemoryMarshal.Cast<int, Vector<int>>(counts[..spikes.Length]);
            for (int v = 0; v < s.Length; v++) c[v] = c[v] - Vector.GreaterThan(s[v], Vector<float>.Zero) + Vector.LessThan(s[v], Vector<float>.Zero); // true lanes = −1
            k = s.Length * Vector<float>.Count;
        }
        for (; k < spikes.Length; k++) counts[k] += Sign(spikes[k]);
    }

    /// <summary>A spike's sign: +1, −1, or 0 for no spike.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Sign(float spike) => (spike > 0f ? 1 : 0) - (spike < 0f ? 1 : 0);
}

/// <summary>
/// The event-driven step of one max-pool circuit: the same results as <see cref="MaxPoolCircuit.Step"/>, visiting
/// only the windows that hold an input spike of this step (no other window can fire). WTA keeps output count = max
/// of the window's input counts at every step, so a window fires exactly when one of its spiking inputs had reached
/// that max; a gate evaluates each touched window once. Built once per run (tap maps and index decoding).
/// </summary>
internal sealed class EventMaxPool(MaxPoolWindows windows)
{
    private readonly MaxPoolLayer _mp = windows.Layer;

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
                foreach (int at in windows.WindowsOf(j))
                {
                    if (wta)
                    {
                        // The window's count is the max of its inputs' counts: it grows when an input at the max fires
                        // (after which no other input of this step equals it, so a window fires at most once).
                        if (before != co[at]) continue;
                    }
                    else
                    {
                        if (seen[at] == stamp) continue;
                        seen[at] = stamp;
                        if (x[windows.Scan(at, ci, x, out _)] == 0f) continue;
                    }
                    y[at] = 1f;
                    co[at]++;
                    outList[count++] = at;
                    neuronSpikes[at]++;
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
                    foreach (int at in windows.WindowsOf(j))
                    {
                        if (seen[at] == stamp) continue;
                        seen[at] = stamp;
                        int best = windows.Scan(at, ci, x, out int maxAfter);
                        int fire = wta ? Math.Sign(maxAfter - co[at]) : MaxPoolCircuit.Sign(x[best]);
                        if (fire == 0) continue;
                        y[at] = fire;
                        co[at] += fire;
                        if (fire > 0) outUp[nUp++] = at;
                        else outDown[nDown++] = at;
                        neuronSpikes[at] += fire;
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
