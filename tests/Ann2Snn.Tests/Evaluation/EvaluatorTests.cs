using System.Globalization;
using System.Text.Json;
using Ann2Snn.Conversion;
using Ann2Snn.Data;
using Ann2Snn.Evaluation;
using Ann2Snn.Graph;
using Ann2Snn.Neurons;
using Ann2Snn.Onnx;
using Ann2Snn.Simulation;
using Ann2Snn.Simulation.Ttfs;
using Ann2Snn.Snn;
using Ann2Snn.Tests.Ann;
using Ann2Snn.Tests.Cli;
using Ann2Snn.Tests.Simulation;
using Ann2Snn.Tests.TestUtil;

namespace Ann2Snn.Tests.Evaluation;

/// <summary>The library's entry point on the bundled MLP and a few bundled MNIST images.</summary>
public sealed class EvaluatorTests
{
    private static readonly string Model = Zoo.ModelPath("mnist_mlp");

    /// <summary>The request <c>eval MODEL --data mnist -T 16 --limit 48 --batch 32 --calib-images 64</c> makes.</summary>
    internal static EvaluationRequest Request() => new()
    {
        ModelPath = Model,
        GraphLoader = path => OnnxImporter.Load(path),
        Data = DatasetResolver.Open("mnist", DatasetSplit.Test),
        Calibration = DatasetResolver.Open("mnist", DatasetSplit.Train),
        Conversion = new ConversionOptions { CalibrationImages = 64 },
        Simulation = new SimulationOptions { Timesteps = 16 },
        BatchSize = 32,
        Limit = 48,
    };

    [Fact]
    public void GivesTheNumbersOfTheCliJson()
    {
        var cli = CliContractTests.Run(
            "eval", Model, "--data", "mnist", "-T", "16", "--limit", "48", "--batch", "32", "--calib-images", "64", "--json",
            "--optimize-for", "none");
        Assert.Equal(0, cli.Code);
        JsonElement json = JsonDocument.Parse(cli.Out).RootElement;

        EvaluationResult r = Evaluator.Run(Request());

        Assert.Equal(json.GetProperty("images").GetInt32(), r.Images);
        Assert.Equal(48, r.Images);
        Assert.Equal(json.GetProperty("timesteps").GetInt32(), r.Simulation.Timesteps);
        Assert.Equal(json.GetProperty("backend").GetString(), r.Simulator.Name);
        Assert.Equal(json.GetProperty("pilot_rate").GetDouble(), r.PilotRate);
        Assert.Equal(json.GetProperty("ann_accuracy").GetDouble(), r.AnnAccuracy);
        Assert.Equal([1, 2, 4, 8, 16], r.Steps);
        Assert.Equal(r.Steps, r.Accuracy.Select(a => a.Timesteps));
        Assert.Equal(16, r.Accuracy[^1].Timesteps);
        foreach (StepAccuracy a in r.Accuracy)
        {
            string t = a.Timesteps.ToString(CultureInfo.InvariantCulture);
            Assert.Equal(json.GetProperty("snn_accuracy").GetProperty(t).GetDouble(), a.Snn);
            Assert.Equal(r.AnnAccuracy, a.Ann);
        }
        Assert.Equal(json.GetProperty("spikes_per_image").GetDouble(), r.Snn.SpikesPerImage);
        Assert.Equal(json.GetProperty("synaptic_events_per_image").GetDouble(), r.Snn.TotalSynapticEventsPerImage);
        JsonElement[] layers = [.. json.GetProperty("layers").EnumerateArray()];
        Assert.Equal(layers.Select(l => l.GetProperty("name").GetString()), r.Layers.Select(l => l.Name));
        Assert.Equal(layers.Select(l => l.GetProperty("spikes_per_image").GetDouble()), r.Layers.Select(l => l.SpikesPerImage));
        Assert.Equal(layers.Select(l => l.GetProperty("rate").GetDouble()), r.Layers.Select(l => l.Rate));
        Assert.Equal(json.GetProperty("latency").GetProperty("p50").GetInt32(), r.Latency.P50);
        Assert.Equal(json.GetProperty("energy").GetArrayLength(), r.Energy!.Count);
        Assert.NotNull(r.Conversion);
        Assert.Equal(r.Request.Conversion, r.ConversionOptions);
        Assert.Equal(Model, r.Model);
    }

    [Fact]
    public void ALoadedNetworkRunsWithTheEncodingItStoresBesideItsAnn()
    {
        EvaluationRequest converting = Request() with { Input = InputEncoding.Poisson, Limit = 24 };
        ModelGraph graph = OnnxImporter.Load(Model);
        ConversionResult conversion = ConversionPipeline.Run(graph, converting.Calibration, converting.Conversion);
        SpikingNetwork stored = InputEncodingMetadata.Write(conversion.Network, InputEncoding.Poisson);

        EvaluationResult loaded = Evaluator.Run(new EvaluationRequest
        {
            Network = stored,
            Graph = graph,
            Data = converting.Data,
            Simulation = converting.Simulation,
            Limit = 24,
        });
        EvaluationResult converted = Evaluator.Run(converting);

        Assert.Equal(InputEncoding.Poisson, loaded.Simulation.Input);
        Assert.Null(loaded.Conversion);
        Assert.Null(loaded.ConversionOptions);
        Assert.All(loaded.Layers, l => Assert.Null(l.Lambda));
        Assert.Equal(converted.AnnAccuracy, loaded.AnnAccuracy);
        Assert.Equal(converted.Accuracy.Select(a => a.Snn), loaded.Accuracy.Select(a => a.Snn));
        Assert.Equal(converted.Snn.LayerSpikes, loaded.Snn.LayerSpikes);
        Assert.NotNull(loaded.Energy);
        Assert.Equal(stored.Name, loaded.Model);

        // An explicit encoding wins over the stored one; without an ANN there is no ANN accuracy and no energy.
        EvaluationResult analog = Evaluator.Run(
            new EvaluationRequest { Network = stored, Data = converting.Data, Input = InputEncoding.Analog, Limit = 8 });
        Assert.Equal(InputEncoding.Analog, analog.Simulation.Input);
        Assert.Null(analog.AnnEvaluation);
        Assert.Null(analog.Energy);
        Assert.All(analog.Accuracy, a => Assert.Null(a.Difference));
    }

    [Fact]
    public void AModelThatTakesBytesGetsTheByteValues()
    {
        EvaluationResult plain = Evaluator.Run(Request());
        ModelGraph bytes = OnnxImporter.Load(ZooVariants.BytesMlp(), "bytes");
        Assert.True(bytes.Input.TakesBytes);
        EvaluationResult result = Evaluator.Run(Request() with { ModelPath = null, Graph = bytes });
        Assert.True(result.Input.Preprocessing.ModelTakesBytes);
        Assert.Equal(255f, result.Input.Batches(48, 48).Single().Data.Max());
        Assert.Equal(plain.AnnAccuracy, result.AnnAccuracy);
        Assert.Equal(plain.Accuracy.Select(a => a.Snn), result.Accuracy.Select(a => a.Snn));
    }

    [Fact]
    public void LaysTheImagesOutForTheModelAndAppliesThePreprocessingItStores()
    {
        // The bundled MLP with a flat [N, 784] input: the images are flattened for it, and nothing else changes.
        EvaluationResult plain = Evaluator.Run(Request());
        ModelGraph flatMlp = OnnxImporter.Load(ZooVariants.FlatMlp(), "flat");
        EvaluationResult flat = Evaluator.Run(Request() with { ModelPath = null, Graph = flatMlp });
        Assert.Null(plain.Adaptation);
        Assert.Equal(InputAdaptationKind.Flatten, flat.Adaptation!.Kind);
        Assert.Equal(new Ann2Snn.Tensors.Shape(784), flat.Input.SampleShape);
        Assert.Equal(plain.AnnAccuracy, flat.AnnAccuracy);
        Assert.Equal(plain.Accuracy.Select(a => a.Snn), flat.Accuracy.Select(a => a.Snn));
        Assert.Equal(plain.Snn.LayerSpikes, flat.Snn.LayerSpikes);

        // A network storing raw pixels (scale 1) runs on them; the request's scale overrides the stored one.
        SpikingNetwork raw = PreprocessingMetadata.Write(plain.Network, new InputPreprocessing { PixelScale = 1f });
        var loaded = new EvaluationRequest { Network = raw, Data = plain.Request.Data, Simulation = plain.Simulation, Limit = 48 };
        EvaluationResult stored = Evaluator.Run(loaded);
        Assert.Equal(1f, stored.Input.Preprocessing.PixelScale);
        Assert.Equal(255f, stored.Input.Batches(48, 48).Single().Data.Max());
        EvaluationResult overridden = Evaluator.Run(loaded with { Preprocessing = new InputPreprocessing { PixelScale = 1f / 255f } });
        Assert.Equal(plain.Accuracy.Select(a => a.Snn), overridden.Accuracy.Select(a => a.Snn));
        Assert.Equal(plain.Snn.LayerSpikes, overridden.Snn.LayerSpikes);
        Assert.NotEqual(plain.Snn.LayerSpikes, stored.Snn.LayerSpikes);
    }

    [Fact]
    public void TimeToFirstSpikeInputRunsTheWholeCodeOnTheTtfsBackend()
    {
        EvaluationResult r = Evaluator.Run(Request() with
        {
            Input = InputEncoding.Ttfs,
            Simulation = new SimulationOptions { Timesteps = 16, TtfsWindow = 8 },
            Steps = [3],
            Limit = 16,
        });
        Assert.Equal("ttfs", r.Simulator.Name);
        Assert.Null(r.PilotRate);
        Assert.Equal(TtfsSimulator.TotalSteps(r.Network, 8), r.Simulation.Timesteps);
        // The output answers in the last window only: the one step reported is the code's end, whatever was asked.
        Assert.Equal([r.Simulation.Timesteps], r.Steps);
        Assert.Single(r.Accuracy);
    }

    [Fact]
    public void ReportsEachStageFromZeroInOrder()
    {
        var reports = new List<EvaluationProgress>();
        EvaluationResult r = Evaluator.Run(
            Request() with { Backend = SimulatorBackend.Dense, Steps = [16, 4, 4] }, new ListProgress(reports));
        Assert.Equal([EvaluationStage.Conversion, EvaluationStage.Ann, EvaluationStage.Snn], reports.Select(p => p.Stage).Distinct());
        foreach (IGrouping<EvaluationStage, EvaluationProgress> stage in reports.GroupBy(p => p.Stage))
        {
            Assert.Equal(0, stage.First().Done);
            Assert.All(stage, p => Assert.InRange(p.Done, 0, p.Total));
        }
        Assert.Equal(64, reports.First().Total);
        Assert.Equal(48, reports.Last().Total);
        Assert.Equal("SNN (dense, T=16) on mnist (test)", reports.Last().Description);
        Assert.Equal([4, 16], r.Steps);
        Assert.Null(r.PilotRate);
    }

    [Fact]
    public void WeightOnlyNormalizationNeedsNoCalibrationData()
    {
        EvaluationResult r = Evaluator.Run(Request() with
        {
            Calibration = null,
            Conversion = new ConversionOptions { Normalization = NormalizationKind.Model },
            Limit = 8,
        });
        Assert.Equal(8, r.Images);
        Assert.NotNull(r.Conversion);
    }

    [Theory]
    [InlineData("T = 0", "timesteps")]
    [InlineData("T < 0", "timesteps")]
    [InlineData("unknown backend", "backend")]
    [InlineData("no calibration", "calib")]
    [InlineData("step outside 1..T", "steps")]
    [InlineData("no steps", "steps")]
    [InlineData("no model", "model")]
    [InlineData("file and network", "model")]
    [InlineData("no loader", "loader")]
    [InlineData("batch 0", "batch")]
    [InlineData("limit 0", "limit")]
    [InlineData("percentile 0", "percentile")]
    public void BadRequestsAreRefusedNamingTheOptionBeforeAnyFileIsRead(string bad, string option)
    {
        int reads = 0;
        EvaluationRequest good = Request() with { GraphLoader = path => { reads++; return OnnxImporter.Load(path); } };
        EvaluationRequest request = bad switch
        {
            "T = 0" => good with { Simulation = new SimulationOptions { Timesteps = 0 } },
            "T < 0" => good with { Simulation = new SimulationOptions { Timesteps = -5 } },
            "unknown backend" => good with { Backend = (SimulatorBackend)42 },
            "no calibration" => good with { Calibration = null },
            "step outside 1..T" => good with { Steps = [4, 17] },
            "no steps" => good with { Steps = [] },
            "no model" => good with { ModelPath = null },
            "file and network" => good with { Network = ExactNetwork.Build(NeuronParameters.IntegrateAndFire()) },
            "no loader" => Request() with { GraphLoader = null },
            "batch 0" => good with { BatchSize = 0 },
            "limit 0" => good with { Limit = 0 },
            "percentile 0" => good with { Conversion = new ConversionOptions { Percentile = 0 } },
            _ => throw new ArgumentOutOfRangeException(nameof(bad)),
        };
        var e = Assert.Throws<InvalidOptionException>(() => Evaluator.Run(request));
        Assert.StartsWith($"option '{option}': ", e.Message);
        Assert.Equal(0, reads);
    }

    [Fact]
    public void AModelThatIsNotConvertedTakesNoConversionOptionsOrCalibration()
    {
        var request = new EvaluationRequest
        {
            ModelPath = "net.snn",
            Data = DatasetResolver.Open("mnist", DatasetSplit.Test),
            Conversion = new ConversionOptions { Percentile = 0 },
        };
        Assert.False(request.Converts);
        request.Validate(); // neither the bad percentile nor the missing calibration data matter
        Assert.True((request with { ModelPath = "net.onnx" }).Converts);
        SpikingNetwork network = ExactNetwork.Build(NeuronParameters.IntegrateAndFire());
        Assert.False(new EvaluationRequest { Graph = OnnxImporter.Load(Model), Network = network, Data = request.Data }.Converts);
    }

    private sealed class ListProgress(List<EvaluationProgress> reports) : IProgress<EvaluationProgress>
    {
        public void Report(EvaluationProgress value)
        {
            lock (reports) reports.Add(value);
        }
    }
}
