using Ann2Snn.Snn;

namespace Ann2Snn.Simulation;

/// <summary>
/// The event-driven step of one max-pool circuit: the same results as <see cref="MaxPoolCircuit.Step"/>, visiting
/// only the windows that hold an input spike of this step (no other window can fire). WTA keeps output count = max
/// of the window's input counts at every step, so a window fires exactly when one of its spiking inputs had reached
/// that max; a gate evaluates each touched window once. Over burst inputs (<paramref name="burst"/> &gt; 1: a spiking input
/// adds its value k to its count) a WTA window grows to the largest count after the step, which only its spiking inputs
/// can reach, so it may emit a burst of its own. Built once per run (tap maps and index decoding).
/// </summary>
/// <param name="windows">The layer's decoded windows.</param>
/// <param name="burst">The source's burst limit: above 1 the source's spike vector holds each listed spike's value k.</param>
internal sealed class EventMaxPool(MaxPoolWindows windows, int burst)
{
    private readonly MaxPoolLayer _mp = windows.Layer;
    private readonly bool _bursts = burst > 1;

    /// <summary>
    /// One step for n images. Per image b, <paramref name="active"/> lists the input spikes (at b·inSize,
    /// <paramref name="activeCounts"/>[b] of them); <paramref name="fired"/> holds last step's output spikes on entry
    /// (they are cleared from <paramref name="dst"/>) and this step's on return, in the order found.
    /// <paramref name="visited"/> marks the windows a gate evaluated in step <paramref name="stamp"/> (a value not
    /// used before with this array). Returns the spikes emitted (a burst of k counts k; the lists hold each neuron once).
    /// </summary>
    public int Step(int n, ReadOnlySpan<float> src, ReadOnlySpan<int> active, ReadOnlySpan<int> activeCounts, int[] cin, int[] cout,
        int[] visited, int stamp, Span<float> dst, Span<int> fired, Span<int> firedCounts, long[] neuronSpikes)
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
            Span<int> ci = cin.AsSpan(b * inSize, inSize), co = cout.AsSpan(b * outSize, outSize),
                seen = visited.AsSpan(b * outSize, outSize);
            foreach (int j in inList)
            {
                int after = ci[j] + (_bursts ? (int)x[j] : 1);
                foreach (int at in windows.WindowsOf(j))
                {
                    int fire;
                    if (wta)
                    {
                        // The window's count is the max of its inputs' counts: it grows to the largest count after this
                        // step (without bursts, when an input at the max fires; then no other input of this step reaches it).
                        if (after <= co[at]) continue;
                        fire = after - co[at];
                    }
                    else
                    {
                        if (seen[at] == stamp) continue;
                        seen[at] = stamp;
                        fire = (int)x[windows.Scan(at, ci, x, out _)];
                        if (fire == 0) continue;
                    }
                    if (y[at] == 0f) outList[count++] = at;
                    y[at] += fire;
                    co[at] += fire;
                    neuronSpikes[at] += fire;
                    total += fire;
                }
            }
            // Count this step's input spikes after all windows have looked (windows may overlap).
            if (_bursts)
            {
                foreach (int j in inList) ci[j] += (int)x[j];
            }
            else
            {
                foreach (int j in inList) ci[j]++;
            }
            firedCounts[b] = count;
        }
        return total;
    }

    /// <summary>
    /// One step over signed inputs: as <see cref="Step"/>, but the input spikes of image b are listed by sign
    /// (<paramref name="up"/>/<paramref name="down"/> at b·inSize) and so are the output spikes (<paramref name="firedUp"/>,
    /// <paramref name="firedDown"/> at b·outSize; last step's on entry, this step's on return). Every window holding an
    /// input spike is evaluated once, as the dense circuit does; returns the events emitted.
    /// </summary>
    public int StepSigned(int n, ReadOnlySpan<float> src, ReadOnlySpan<int> up, ReadOnlySpan<int> upCounts,
        ReadOnlySpan<int> down, ReadOnlySpan<int> downCounts, int[] cin, int[] cout, int[] visited, int stamp, Span<float> dst,
        Span<int> firedUp, Span<int> firedUpCounts, Span<int> firedDown, Span<int> firedDownCounts, long[] neuronSpikes)
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
            Span<int> ci = cin.AsSpan(b * inSize, inSize), co = cout.AsSpan(b * outSize, outSize),
                seen = visited.AsSpan(b * outSize, outSize);
            for (int list = 0; list < 2; list++)
            {
                foreach (int j in list == 0 ? inUp : inDown)
                {
                    foreach (int at in windows.WindowsOf(j))
                    {
                        if (seen[at] == stamp) continue;
                        seen[at] = stamp;
                        int best = windows.Scan(at, ci, x, out int maxAfter);
                        int fire = wta ? maxAfter - co[at] : (int)x[best];
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
