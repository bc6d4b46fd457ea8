using Ann2Snn.Neurons;

namespace Ann2Snn.Analysis;

/// <summary>
/// Exact spike times of a <see cref="ContinuousNeuron"/> under piecewise-constant input, from the closed-form time of
/// the next threshold crossing within each segment (the model's <see cref="NeuronModel.TimeToThreshold"/>: IF,
/// t* = (V_th − V)/I; LIF, t* = τm·ln((V∞ − V)/(V∞ − V_th))) and the sub-threshold solution at the segment's end
/// (<see cref="NeuronModel.Advance"/>).
/// </summary>
public static class ExactNeuron
{
    /// <summary>
    /// Spike times in (0, <paramref name="horizon"/>] (a crossing exactly at the horizon or at a segment's end counts,
    /// as a stepped neuron fires in its last step). The input is zero after the last segment.
    /// </summary>
    public static double[] SpikeTimes(in ContinuousNeuron neuron, IReadOnlyList<InputSegment> input, double horizon)
    {
        ArgumentNullException.ThrowIfNull(input);
        neuron.Validate();
        if (!(horizon >= 0) || !double.IsFinite(horizon)) ThrowHelper.InvalidOption("horizon",
            $"horizon {horizon} must be finite and not negative");
        foreach (InputSegment s in input)
        {
            if (!(s.Duration >= 0) || !double.IsFinite(s.Duration) || !double.IsFinite(s.Current))
            {
                ThrowHelper.InvalidOption("input",
                    $"segment ({s.Duration}, {s.Current}): the duration must be finite and not negative, the current finite");
            }
        }

        NeuronParameters p = neuron.Parameters;
        NeuronModel model = p.Model;
        var spikes = new List<double>();
        double t = 0, v = neuron.V0, refractoryUntil = 0, start = 0;
        for (int k = 0; k <= input.Count && start <= horizon; k++)
        {
            // Past the last segment the input is zero up to the horizon.
            double end = k < input.Count ? Math.Min(start + input[k].Duration, horizon) : horizon;
            double current = k < input.Count ? input[k].Current : 0;
            while (t < end)
            {
                if (t < refractoryUntil)
                {
                    t = Math.Min(refractoryUntil, end);
                    continue;
                }
                double crossing = model.TimeToThreshold(p, v, current);
                if (t + crossing > end)
                {
                    v = model.Advance(p, v, current, end - t);
                    t = end;
                    break;
                }
                t += crossing;
                spikes.Add(t);
                v = model.PotentialAfterSpike(p);
                refractoryUntil = t + neuron.RefractoryTime;
            }
            if (k < input.Count) start += input[k].Duration;
        }
        return [.. spikes];
    }
}
