using Ann2Snn.Kernels;
using Ann2Snn.Neurons;
using Ann2Snn.Simulation;

namespace Ann2Snn.Analysis;

/// <summary>
/// τs study (M7): the same Poisson input (one seed for every model) through a delta synapse and exponential synapses
/// I_syn ← I_syn·e^(−1/τs) + (1 − e^(−1/τs))·input (unit DC gain, as the simulators use), into <see cref="NeuronKernels.Step"/>.
/// Low-pass filtering cuts the per-step jitter by about √((1 − d)/(1 + d)), d = e^(−1/τs), and leaves the mean rate unchanged.
/// </summary>
public static class SynapseStudy
{
    public static IReadOnlyList<SynapsePoint> Run(SynapseStudyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var points = new List<SynapsePoint> { Simulate(options, SynapseModel.Delta, 0f) };
        points.AddRange(options.TauSyns.Select(tau => Simulate(options, SynapseModel.Exponential, tau)));
        return points;
    }

    private static SynapsePoint Simulate(SynapseStudyOptions o, SynapseModel model, float tauSyn)
    {
        NeuronParameters p = o.Neuron;
        int n = o.Neurons, warmup = o.WarmupSteps ?? (int)Math.Ceiling(5 * (o.TauSyns.Count == 0 ? 0 : o.TauSyns.Max()));
        int windows = o.Steps / o.Window, measured = windows * o.Window;
        var v = new float[n];
        Array.Fill(v, p.InitialPotential);
        var refractory = new int[n];
        var input = new float[n];
        var syn = new float[n];
        var spikes = new float[n];
        var windowCounts = new int[n];
        var totalCounts = new long[n];
        double sum = 0, sumSq = 0, cSum = 0, cSumSq = 0;
        long samples = 0;
        float decay = model == SynapseModel.Exponential ? MathF.Exp(-1f / tauSyn) : 0f, gain = p.InputGain;
        var rng = new SplitMix64((ulong)o.Seed);
        for (int t = 0; t < warmup + measured; t++)
        {
            for (int i = 0; i < n; i++)
            {
                int fired = 0;
                for (int j = 0; j < o.FanIn; j++) fired += rng.NextFloat() < o.InputRate ? 1 : 0;
                input[i] = fired * o.Weight;
            }
            if (model == SynapseModel.Exponential)
            {
                for (int i = 0; i < n; i++) syn[i] = syn[i] * decay + (1f - decay) * input[i];
            }
            float[] current = model == SynapseModel.Exponential ? syn : input;
            bool measuring = t >= warmup;
            if (measuring)
            {
                for (int i = 0; i < n; i++)
                {
                    if (p.RefractorySteps > 0 && refractory[i] > 0) continue;
                    double charge = gain * current[i];
                    sum += charge;
                    sumSq += charge * charge;
                    samples++;
                }
            }
            NeuronKernels.Step(p, v, refractory, current, spikes);
            if (!measuring) continue;
            for (int i = 0; i < n; i++) windowCounts[i] += spikes[i] > 0 ? 1 : 0;
            if ((t - warmup + 1) % o.Window == 0)
            {
                for (int i = 0; i < n; i++)
                {
                    cSum += windowCounts[i];
                    cSumSq += (double)windowCounts[i] * windowCounts[i];
                    totalCounts[i] += windowCounts[i];
                    windowCounts[i] = 0;
                }
            }
        }
        double jitter = samples > 1 ? Math.Sqrt(Math.Max(0, (sumSq - sum * sum / samples) / (samples - 1))) : 0;
        double[] rates = totalCounts.Select(c => (double)c / measured).ToArray();
        double meanRate = rates.Average();
        double rateSe = n > 1 ? Math.Sqrt(rates.Sum(r => (r - meanRate) * (r - meanRate)) / (n - 1) / n) : double.NaN;
        long cells = (long)n * windows;
        double cMean = cSum / cells, cVar = cells > 1 ? Math.Max(0, (cSumSq - cSum * cSum / cells) / (cells - 1)) : 0;
        return new SynapsePoint(model, tauSyn, jitter, meanRate, rateSe, cMean > 0 ? Math.Sqrt(cVar) / cMean : double.NaN);
    }
}
