using System.Numerics;
using System.Runtime.InteropServices;
using Ann2Snn.Snn;

namespace Ann2Snn.Simulation;

/// <summary>Max pooling of spike trains by a <see cref="MaxPoolScheme"/> circuit, one step for a chunk of images.</summary>
internal static class MaxPoolCircuit
{
    /// <summary>
    /// WTA: output count = max over the window of the input counts, so a spike is emitted exactly when that max
    /// grows (the shared inhibitory interneuron's spike, which lowers every excitatory unit by one), and, with signed
    /// inputs (counts change by ±1), a −1 spike when it shrinks. Over burst inputs (counts grow by k ≤ B) the max may
    /// grow by up to B in a step: the output emits that many, a burst of its own.
    /// Gate: the spike (+1, a burst of k, or −1 from a signed input) of the input with the largest count before this step
    /// passes (ties to the first in window order).
    /// Input and output may be in any <see cref="LayerLayout"/> (those <paramref name="windows"/> was built for); windows
    /// are scanned in the same (ky, kx) order either way. Adds each output spike to <paramref name="neuronSpikes"/>
    /// (index in the output layout); returns the spikes emitted (|±1| or k each).
    /// </summary>
    public static int Step(MaxPoolWindows windows, int n, ReadOnlySpan<float> src, int[] cin, int[] cout, Span<float> dst,
        long[] neuronSpikes)
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
                int fire = wta ? maxAfter - co[at] : best >= 0 ? (int)spikes[best] : 0;
                y[at] = fire;
                if (fire != 0)
                {
                    co[at] += fire;
                    count += Math.Abs(fire);
                    neuronSpikes[at] += fire;
                }
            }
            // Count this step's input spikes after all windows have looked (windows may overlap).
            AddValues(spikes, cin.AsSpan(b * inSize, inSize));
        }
        return count;
    }

    /// <summary>counts[k] += spikes[k] for every k: spike values are whole numbers (±1, or k of a burst).</summary>
    private static void AddValues(ReadOnlySpan<float> spikes, Span<int> counts)
    {
        int k = 0;
        if (Vector.IsHardwareAccelerated)
        {
            ReadOnlySpan<Vector<float>> s = MemoryMarshal.Cast<float, Vector<float>>(spikes);
            Span<Vector<int>> c = MemoryMarshal.Cast<int, Vector<int>>(counts[..spikes.Length]);
            for (int v = 0; v < s.Length; v++) c[v] += Vector.ConvertToInt32(s[v]);
            k = s.Length * Vector<float>.Count;
        }
        for (; k < spikes.Length; k++) counts[k] += (int)spikes[k];
    }
}
