using Ann2Snn.Kernels;
using Ann2Snn.Neurons;

namespace Ann2Snn.Analysis;

/// <summary>Δt study (M6): the stepped simulator (<see cref="NeuronKernels.Step"/>) against <see cref="ExactNeuron"/>.</summary>
public static class DiscretizationStudy
{
    /// <summary>
    /// Runs the exact solver once and the stepped neuron at each Δt of <paramref name="dts"/>, over [0,
    /// <paramref name="horizon"/>]; <paramref name="firstSpikes"/> = k, the spikes compared for
    /// <see cref="DiscretizationPoint.MeanSpikeTimeError"/>.
    /// </summary>
    public static DiscretizationReport Run(in ContinuousNeuron neuron, IReadOnlyList<InputSegment> input, double horizon,
        IReadOnlyList<double> dts, int firstSpikes = 10)
    {
        ArgumentNullException.ThrowIfNull(dts);
        if (firstSpikes <= 0) ThrowHelper.InvalidOption("spikes", $"k = {firstSpikes} must be positive");
        double[] exact = ExactNeuron.SpikeTimes(neuron, input, horizon);
        var points = new List<DiscretizationPoint>(dts.Count);
        foreach (double dt in dts)
        {
            double[] stepped = SteppedSpikeTimes(neuron, input, horizon, dt);
            int k = Math.Min(firstSpikes, Math.Min(exact.Length, stepped.Length));
            double mean = k == 0 ? double.NaN : Enumerable.Range(0, k).Average(i => Math.Abs(stepped[i] - exact[i]));
            double first = k == 0 ? double.NaN : Math.Abs(stepped[0] - exact[0]);
            points.Add(new DiscretizationPoint(dt, StepCount(horizon, dt), neuron.ToStepped(dt).RefractorySteps, stepped.Length,
                exact.Length, Math.Abs(stepped.Length - exact.Length) / horizon, first, mean));
        }
        double slope = Regression.LogLogSlope(points.Select(p => p.Dt).ToArray(), points.Select(p => p.MeanSpikeTimeError).ToArray());
        return new DiscretizationReport(exact, points, slope);
    }

    /// <summary>
    /// Spike times of the stepped neuron (<see cref="ContinuousNeuron.ToStepped"/>, V(0) = V0): step n (1-based) integrates the
    /// mean input over ((n − 1)Δt, nΔt], and a spike in it is reported at nΔt. Runs ⌊horizon/Δt⌉ steps.
    /// </summary>
    public static double[] SteppedSpikeTimes(in ContinuousNeuron neuron, IReadOnlyList<InputSegment> input, double horizon, double dt)
    {
        ArgumentNullException.ThrowIfNull(input);
        neuron.Validate();
        if (!(dt > 0) || !double.IsFinite(dt)) ThrowHelper.InvalidOption("dt", $"Δt = {dt} must be positive and finite");
        NeuronParameters p = neuron.ToStepped(dt);
        p.Validate();
        Span<float> v = [(float)neuron.V0];
        Span<int> refractory = [0];
        Span<float> current = [0f];
        Span<float> spike = [0f];
        var times = new List<double>();
        int steps = StepCount(horizon, dt), segment = 0;
        double segmentStart = 0;
        for (int n = 1; n <= steps; n++)
        {
            // Mean of the piecewise-constant input over the step: the charge an IF neuron receives exactly.
            double a = (n - 1) * dt, b = n * dt, charge = 0;
            while (segment < input.Count && segmentStart + input[segment].Duration <= a)
            {
                segmentStart += input[segment].Duration;
                segment++;
            }
            double s0 = segmentStart;
            for (int j = segment; j < input.Count && s0 < b; j++)
            {
                double s1 = s0 + input[j].Duration;
                charge += input[j].Current * Math.Max(0, Math.Min(s1, b) - Math.Max(s0, a));
                s0 = s1;
            }
            current[0] = (float)(charge / dt);
            if (NeuronKernels.Step(p, v, refractory, current, spike) > 0) times.Add(b);
        }
        return [.. times];
    }

    private static int StepCount(double horizon, double dt) => (int)Math.Round(horizon / dt);
}
