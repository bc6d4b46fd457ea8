using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using Ann2Snn.Analysis;
using Ann2Snn.Ann;
using Ann2Snn.Conversion;
using Ann2Snn.Evaluation;
using Ann2Snn.Graph;
using Ann2Snn.Simulation;
using Ann2Snn.Snn;

namespace Ann2Snn.Reports;

/// <summary>Gathers a <see cref="ReportData"/> from an evaluated run, running the (cheap) agreement and bias/variance studies.</summary>
public static class ReportBuilder
{
    public static ReportData Build(ReportInputs inputs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        SimulationResult snn = inputs.Result;
        SpikingNetwork network = inputs.Network;
        SimulationOptions sim = inputs.Simulation;
        var latency = AccuracyLatency.Of(snn);
        var data = new ReportData
        {
            Model = inputs.Model,
            Data = inputs.Data,
            DataSha256 = inputs.Sample.Sha256,
            Images = snn.Images,
            Timesteps = snn.Timesteps,
            Seed = sim.Seed,
            Backend = inputs.Simulator.Name,
            Input = sim.Input.ToString().ToLowerInvariant(),
            Versions = Versions(),
            ConversionOptions = inputs.ConversionOptions is null ? new Dictionary<string, string>() : Describe(inputs.ConversionOptions),
            SimulationOptions = Describe(sim),
            AnnAccuracy = inputs.AnnAccuracy,
            Accuracy = [.. inputs.Steps.Select(t => new AccuracyPoint(t, snn.AccuracyAt(t)))],
            Layers = [.. network.Layers.Select((l, i) => Activity(l, i, snn, inputs.Conversion))],
            Latency = new LatencySummary(latency.P50, latency.P90, latency.P99, latency.Mean, latency.Histogram),
            Energy = inputs.Ann is null
                ? []
                : [.. EnergyProfile.BuiltIn.Select(p => EnergyEstimate.For(snn, network, inputs.Ann, p))
                    .Select(e => new EnergyRow(e.Profile.Name, e.SnnJoules, e.AnnJoules, e.Ratio, e.MacShare))],
        };
        if (inputs.NeuronStudies)
        {
            cancellationToken.ThrowIfCancellationRequested();
            data = data with { Discretization = Discretization(), Synapse = Synapse() };
        }
        if (inputs.Conversion is not { } conversion || inputs.Sample.Count == 0) return data;

        var executor = new AnnExecutor(conversion.FoldedGraph);
        float rateFraction = inputs.ConversionOptions is { } co ? co.EffectiveRateFraction / (co.RefractorySteps + 1f) : 1f;
        // Rate-based studies: a time-to-first-spike code carries values in spike times, not counts.
        if (inputs.AgreementImages > 0 && sim.Input != InputEncoding.Ttfs)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Data.DataBatch batch = inputs.Sample.First(inputs.AgreementImages);
            AnnActivations activations = executor.ForwardAll(batch.Data, batch.Count);
            SimulationResult r = inputs.Simulator.Run(network, [batch], sim, null, cancellationToken);
            AgreementReport agreement = LayerAgreement.Compute(conversion, r, activations, r.Timesteps, rateFraction);
            data = data with
            {
                AgreementImages = batch.Count,
                Agreement = agreement.Populations,
                AgreementWarnings = agreement.Warnings,
                Scatter = [.. LayerAgreement.Means(conversion, r, activations, r.Timesteps, rateFraction)
                    .Select(m => new NeuronScatter(m.Layer.Name, Every(m.Ann, inputs.ScatterPoints), Every(m.Snn, inputs.ScatterPoints)))],
            };
        }
        if (inputs.BiasVarianceImages > 0 && sim.Input != InputEncoding.Ttfs)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Data.DataBatch batch = inputs.Sample.First(inputs.BiasVarianceImages);
            float[] ann = executor.Forward(batch.Data, batch.Count);
            ErrorDecompositionReport bv = ErrorDecomposition.Run(network, ann, batch.Data, batch.Count, new ErrorDecompositionOptions
            {
                Timesteps = inputs.BiasVarianceSteps,
                Seeds = inputs.BiasVarianceSeeds,
                Simulation = sim with { Probes = [] },
            }, inputs.ConversionOptions is { } options ? (conversion.FoldedGraph, options) : null);
            data = data with
            {
                BiasVarianceImages = batch.Count,
                BiasVariance = bv.Points,
                VarianceSlope = bv.VarianceSlope,
                Saturation = bv.Saturation
            };
        }
        return data;
    }

    /// <summary>
    /// The report's Δt study: LIF, τm = 10, τ_ref = 2, over 80 time units, input segments of 13.37, 7.77 and 60 units at
    /// I₀, I₀/2 and 1.5·I₀ (boundaries off the step grid) for several I₀; Δt from 0.4 to 0.05; the first 10 spikes compared.
    /// </summary>
    public static DiscretizationSummary Discretization()
    {
        const double tauMem = 10, refractory = 2, horizon = 80;
        double[] currents = [1.7, 2.3, 3.1, 4.3, 5.1];
        double[] dts = [0.4, 0.2, 0.1, 0.05];
        var neuron = ContinuousNeuron.LeakyIntegrateAndFire(tauMem: tauMem, refractoryTime: refractory);
        DiscretizationReport[] runs = [.. currents.Select(i0 => DiscretizationStudy.Run(neuron,
            [new InputSegment(13.37, i0), new InputSegment(7.77, 0.5 * i0), new InputSegment(60, 1.5 * i0)], horizon, dts))];
        DiscretizationRow[] rows = [.. dts.Select((dt, k) => new DiscretizationRow(dt,
            runs.Average(r => r.Points[k].MeanSpikeTimeError), runs.Average(r => r.Points[k].FirstSpikeError),
            runs.Average(r => r.Points[k].RateError)))];
        double slope = Regression.LogLogSlope([.. rows.Select(r => r.Dt)], [.. rows.Select(r => r.MeanSpikeTimeError)]);
        return new DiscretizationSummary(tauMem, refractory, horizon, currents, rows, slope);
    }

    /// <summary>
    /// The report's τs study: IF neurons on Poisson input (128 neurons, 1000 steps), delta synapse and τs ∈ {1, 2, 5, 10, 20}.
    /// </summary>
    public static IReadOnlyList<SynapsePoint> Synapse() =>
        SynapseStudy.Run(new SynapseStudyOptions { Neurons = 128, Steps = 1000, TauSyns = [1f, 2f, 5f, 10f, 20f], Seed = 3 });

    private static LayerActivity Activity(SpikingLayer layer, int i, SimulationResult snn, ConversionResult? conversion)
    {
        PopulationActivity a = PopulationActivity.Of(layer, i, snn, conversion);
        return new LayerActivity(a.Name, a.Kind, a.Neurons, a.Lambda, a.SpikesPerImage, a.Rate, a.SynapticEventsPerImage, a.MacsPerImage);
    }

    private static double[] Every(double[] values, int max)
    {
        if (values.Length <= max) return values;
        return [.. Enumerable.Range(0, max).Select(k => values[(int)((long)k * values.Length / max)])];
    }

    /// <summary>Versions of Ann2Snn, the .NET runtime and ScottPlot.</summary>
    public static ReportVersions Versions()
    {
        static string Of(Assembly a) =>
            a.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? a.GetName().Version?.ToString()
                ?? "unknown";
        return new ReportVersions(Of(typeof(ModelGraph).Assembly), RuntimeInformation.FrameworkDescription,
            Of(typeof(ScottPlot.Plot).Assembly));
    }

    /// <summary>
    /// The simple-valued public properties of an options record (numbers, flags, enums, strings and lists of them), by name.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Describe(object options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var values = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (PropertyInfo p in options.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (p.GetIndexParameters().Length > 0 || p.Name == "EqualityContract") continue;
            object? value = p.GetValue(options);
            string? text = value switch
            {
                null => "",
                string s => s,
                Neurons.NeuronModel m => m.Name,
                _ when Simple(value.GetType()) => Text(value),
                IEnumerable e => e.Cast<object?>().All(v => v is not null && Simple(v.GetType()))
                    ? string.Join(",", e.Cast<object>().Select(Text)) : null,
                _ => null,
            };
            if (text is not null) values[p.Name] = text;
        }
        return values;
    }

    private static string Text(object value) =>
        value is bool b ? (b ? "true" : "false") : Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";

    private static bool Simple(Type t) => t.IsPrimitive || t.IsEnum || t == typeof(decimal);
}
