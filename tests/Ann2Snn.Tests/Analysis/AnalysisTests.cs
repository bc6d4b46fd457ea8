using Ann2Snn.Analysis;
using Ann2Snn.Ann;
using Ann2Snn.Conversion;
using Ann2Snn.Data;
using Ann2Snn.Graph;
using Ann2Snn.Simulation;
using Ann2Snn.Simulation.Dense;
using Ann2Snn.Simulation.Event;
using Ann2Snn.Simulation.Ttfs;
using Ann2Snn.Snn;
using Ann2Snn.Tests.TestUtil;

namespace Ann2Snn.Tests.Analysis;

public class AnalysisTests
{
    private static ConversionResult Convert(ModelGraph graph, ConversionOptions options, float[] calib, int count)
    {
        ModelGraph prepared = Converter.Prepare(graph, out var applied);
        return Converter.Convert(prepared, Calibration.Collect(prepared, [(calib, count)], count), options, applied);
    }

    private static SimulationResult Simulate(ISimulator simulator, SpikingNetwork net, float[] x, int count, SimulationOptions options) =>
        simulator.Run(net, [new DataBatch(x, Enumerable.Range(0, count).Select(i => i % 10).ToArray(), count)], options);

    // ---- Energy ---------------------------------------------------------------------------------------------------

    [Fact]
    public void EnergyFollowsTheClosedFormOnAHandBuiltResult()
    {
        ModelGraph graph = TestGraphs.SmallCnn();
        const int count = 8;
        float[] x = TestGraphs.Inputs(new Random(1), count, 64);
        ConversionResult conversion = Convert(graph, new ConversionOptions(), x, count);
        SpikingNetwork net = conversion.Network;
        int layers = net.Layers.Count;
        var result = new SimulationResult(16, net.Layers.Select(l => l.Name).ToArray(), net.Layers.Select(l => l.Shape.Size).ToArray(),
            Enumerable.Range(0, layers).Select(net.FanOut).ToArray(), net.FanOut(-1))
        { Images = 4 };
        for (int l = 0; l < layers; l++) result.LayerSpikes[l] = 100 * (l + 1);

        // The analog first layer is conv1 (4×8×8 outputs × 1 channel × 3×3): its MACs are charged once per image.
        long inputMacs = EnergyEstimate.AnalogInputMacsOf(net);
        Assert.Equal(4L * 8 * 8 * 9, inputMacs);
        double events = Enumerable.Range(0, layers).Sum(l => 100.0 * (l + 1) * net.FanOut(l) / 4);
        long annMacs = conversion.FoldedGraph.TotalMacs;
        Assert.Equal(4L * 64 * 9 + 8L * 16 * 36 + 320, annMacs);

        EnergyEstimate e = EnergyEstimate.For(result, net, conversion.FoldedGraph, EnergyProfile.Cmos45Fp32);
        Assert.Equal(events, e.SynapticEventsPerImage, 9);
        Assert.Equal(events * 0.9e-12 + inputMacs * 4.6e-12, e.SnnJoules, 1e-20);
        Assert.Equal(annMacs * 4.6e-12, e.AnnJoules, 1e-20);
        Assert.Equal(e.AnnJoules / e.SnnJoules, e.Ratio, 12);
        Assert.Equal(layers, e.Layers.Count); // analog input: no input events
        Assert.Equal(100.0 * net.FanOut(0) / 4 * 0.9e-12, e.Layers[0].Joules, 1e-20);

        // Memory-aware: a weight read per event and per MAC, a state read + write per neuron and step (per ANN output).
        EnergyEstimate m = EnergyEstimate.For(result, net, conversion.FoldedGraph, EnergyProfile.Get("CMOS45-memory"));
        long neurons = net.Layers.OfType<NeuronLayer>().Sum(n => (long)n.Shape.Size);
        Assert.Equal(neurons * 16.0, m.NeuronUpdatesPerImage);
        Assert.Equal(events * 5.9e-12 + inputMacs * 9.6e-12 + neurons * 16 * 10e-12, m.SnnJoules, 1e-20);
        long annOutputs = 4 * 64 + 8 * 16 + 10;
        Assert.Equal(annMacs * 9.6e-12 + annOutputs * 10e-12, m.AnnJoules, 1e-20);

        // Spiking input: input spikes are events, and no MACs are charged.
        result.InputSpikes = 40;
        EnergyEstimate p = EnergyEstimate.For(result, net, conversion.FoldedGraph, EnergyProfile.Loihi);
        Assert.Equal(0, p.AnalogInputMacs);
        Assert.Equal("input", p.Layers[0].Name);
        Assert.Equal(40 * net.FanOut(-1) / 4, p.Layers[0].EventsPerImage, 9);
        Assert.Equal((events + 40 * net.FanOut(-1) / 4) * 23.6e-12, p.SnnJoules, 1e-20);
    }

    [Fact]
    public void BuiltInProfilesCarryTheirPublishedFigures()
    {
        Assert.Equal(["cmos45-fp32", "cmos45-int8", "loihi", "spinnaker2", "truenorth", "cmos45-memory"],
            EnergyProfile.BuiltIn.Select(p => p.Name));
        Assert.Equal(0.23e-12, EnergyProfile.Cmos45Int8.Mac, 1e-20);
        Assert.Equal(0.03e-12, EnergyProfile.Cmos45Int8.SynapticEvent, 1e-20);
        Assert.Equal(10e-12, EnergyProfile.Get("spinnaker2").SynapticEvent, 1e-20);
        Assert.Equal(26e-12, EnergyProfile.Get("truenorth").SynapticEvent, 1e-20);
        var e = Assert.Throws<InvalidOptionException>(() => EnergyProfile.Get("gpu"));
        Assert.Contains("loihi", e.Message);
        Assert.Throws<InvalidOptionException>(() => (EnergyProfile.Loihi with { Mac = -1 }).Validate());
    }

    // ---- Per-layer agreement ----------------------------------------------------------------------------------------

    private static (AgreementReport Report, ConversionResult Conversion) Agreement(double percentile, int timesteps)
    {
        ModelGraph graph = TestGraphs.SmallCnn();
        const int count = 24;
        float[] x = TestGraphs.Inputs(new Random(99), count, 64);
        ConversionResult conversion = Convert(graph, new ConversionOptions { Percentile = percentile }, x, count);
        SimulationResult r = Simulate(new EventSimulator(), conversion.Network, x, count, new SimulationOptions { Timesteps = timesteps });
        AnnActivations ann = new AnnExecutor(conversion.FoldedGraph).ForwardAll(x, count);
        return (LayerAgreement.Compute(conversion, r, ann, timesteps), conversion);
    }

    [Fact]
    public void RatesFollowTheAnnAtLargeT()
    {
        var (report, conversion) = Agreement(100, 512);
        Assert.Equal(conversion.Layers.Count(l => l.Kind == "neurons"), report.Populations.Count);
        Assert.NotEmpty(report.Populations);
        foreach (PopulationAgreement p in report.Populations)
        {
            Assert.True(p.Correlation > 0.99, $"{p.Name}: correlation {p.Correlation:f4}");
            Assert.True(p.Rmse < 0.02 * p.Lambda, $"{p.Name}: RMSE {p.Rmse:g3}, λ {p.Lambda:g3}");
        }
        Assert.Empty(report.Warnings);
    }

    [Fact]
    public void ALowLambdaSaturatesAndIsNamed()
    {
        var (report, _) = Agreement(50, 64);
        PopulationAgreement relu1 = Assert.Single(report.Populations, p => p.Name == "relu1");
        Assert.True(relu1.SaturatedFraction > 0.01, $"saturated {relu1.SaturatedFraction:P1}");
        Assert.Contains(report.Warnings, w => w.Contains("'relu1'", StringComparison.Ordinal));
        Assert.Equal(0.5, LayerAgreement.Pearson([1, 2, 3], [1, 2, 3]) / 2, 12);
        Assert.True(double.IsNaN(LayerAgreement.Pearson([1, 1], [1, 2])));
    }

    // ---- Latency to a stable answer ---------------------------------------------------------------------------------

    [Fact]
    public void PredictRecordsTheLastChange()
    {
        int[] predictions = [9], stable = [0];
        int[] sequence = [3, 3, 5, 5, 3, 3, 3];
        for (int t = 0; t < sequence.Length; t++) ChunkRunner.Predict(predictions, stable, 0, t, sequence[t]);
        Assert.Equal(3, predictions[0]);
        Assert.Equal(5, stable[0]);
        ChunkRunner.Predict(predictions, stable, 0, 0, 3); // a new image starts over even with the same label
        Assert.Equal(1, stable[0]);
    }

    [Theory]
    [InlineData("dense")]
    [InlineData("event")]
    public void StableFromIsTheStepAfterWhichTheAnswerNeverChanges(string backend)
    {
        ISimulator sim = backend == "dense" ? new DenseSimulator() : new EventSimulator();
        const int count = 16, steps = 12;
        float[] x = TestGraphs.Inputs(new Random(3), count, 64);
        SpikingNetwork net = Convert(TestGraphs.SmallCnn(), new ConversionOptions(), x, count).Network;
        // A run of t steps is the first t steps of a longer run: its predictions are the step-t predictions.
        var at = Enumerable.Range(1, steps)
            .Select(t => Simulate(sim, net, x, count, new SimulationOptions { Timesteps = t }).Predictions).ToArray();
        SimulationResult full = Simulate(sim, net, x, count, new SimulationOptions { Timesteps = steps });
        Assert.Equal(count, full.StableFrom.Count);
        for (int i = 0; i < count; i++)
        {
            int s = full.StableFrom[i];
            for (int t = s; t <= steps; t++) Assert.Equal(full.Predictions[i], at[t - 1][i]);
            if (s > 1) Assert.NotEqual(full.Predictions[i], at[s - 2][i]);
        }
        Assert.Contains(full.StableFrom, s => s > 1); // the test means something only if some answer changed
    }

    [Fact]
    public void TtfsRecordsStableFromToo()
    {
        const int count = 6;
        float[] x = TestGraphs.Inputs(new Random(3), count, 64);
        SpikingNetwork net = Convert(TestGraphs.SmallCnn(), new ConversionOptions(), x, count).Network;
        SimulationResult r = Simulate(new TtfsSimulator(), net, x, count,
            new SimulationOptions { Input = InputEncoding.Ttfs, TtfsWindow = 8 });
        Assert.Equal(count, r.StableFrom.Count);
        Assert.All(r.StableFrom, s => Assert.InRange(s, 1, r.Timesteps));
    }

    [Fact]
    public void LatencyDistributionHasPercentilesAndPowerOfTwoBins()
    {
        AccuracyLatency d = AccuracyLatency.Of([1, 1, 2, 3, 5, 8, 16, 32], 32);
        Assert.Equal(3, d.P50);
        Assert.Equal(32, d.P90);
        Assert.Equal(32, d.P99);
        Assert.Equal(1, d.Percentile(25));
        Assert.Equal(
            [new LatencyBin(1, 1, 2), new LatencyBin(2, 3, 2), new LatencyBin(4, 7, 1), new LatencyBin(8, 15, 1), new LatencyBin(16, 31, 1),
                new LatencyBin(32, 32, 1)],
            d.Histogram);
        Assert.Equal([new LatencyBin(1, 1, 0), new LatencyBin(2, 3, 0), new LatencyBin(4, 5, 1)], AccuracyLatency.Of([5], 5).Histogram);
        Assert.Equal(0, AccuracyLatency.Of([], 4).P50);
        Assert.Throws<ArgumentOutOfRangeException>(() => AccuracyLatency.Of([0], 4));
    }
}
