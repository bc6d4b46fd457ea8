using Ann2Snn.Conversion;
using Ann2Snn.Data;
using Ann2Snn.Evaluation;
using Ann2Snn.Onnx;
using Ann2Snn.Simulation;
using Ann2Snn.Snn;
using Ann2Snn.Tests.Ann;

namespace Ann2Snn.Tests.Evaluation;

/// <summary>The latency sweep on the bundled MLP and a few bundled MNIST images, against separate evaluations.</summary>
public sealed class LatencySweepTests
{
    private static readonly string Model = Zoo.ModelPath("mnist_mlp");

    private static EvaluationRequest Template() => new()
    {
        ModelPath = Model,
        GraphLoader = path => OnnxImporter.Load(path),
        Data = DatasetResolver.Open("mnist", DatasetSplit.Test),
        Calibration = DatasetResolver.Open("mnist", DatasetSplit.Train),
        Conversion = new ConversionOptions { CalibrationImages = 64 },
        BatchSize = 32,
        Limit = 40,
    };

    private static LatencySweepRequest Request(params string[] methods) => new()
    {
        Evaluation = Template(),
        Windows = [2, 8],
        Methods = LatencyMethods.Select(methods, Template().Conversion),
    };

    [Fact]
    public void EveryPointEqualsASeparateEvaluationWithTheSameOptions()
    {
        LatencySweepRequest request = Request("plain", "fit", "light", "burst2fit", "default");
        var seen = new List<LatencySweepProgress>();
        LatencySweepResult r = LatencySweep.Run(request, new Inline<LatencySweepProgress>(seen.Add));

        Assert.Equal(10, r.Points.Count);
        Assert.Equal(20, seen.Count); // a start and an end per point, in order
        Assert.Equal(r.Points, seen.Where(p => p.Point is not null).Select(p => p.Point!));
        Assert.Equal(Enumerable.Range(1, 10), seen.Where(p => p.Point is not null).Select(p => p.Done));
        foreach (LatencyMethod method in request.Methods)
        {
            foreach (int t in request.Windows)
            {
                EvaluationResult alone = Evaluator.Run(Template() with
                {
                    Conversion = method.Options(t),
                    Simulation = new SimulationOptions { Timesteps = t },
                    Steps = [t],
                });
                LatencyPoint p = r.At(method.Name, t)!;
                Assert.Equal(alone.Accuracy[^1].Snn, p.Accuracy);
                Assert.Equal(alone.Snn.TotalSynapticEventsPerImage, p.SynapticEventsPerImage);
                Assert.Equal(alone.Snn.SpikesPerImage, p.SpikesPerImage);
                Assert.Equal(alone.Conversion!.Choices, p.Choices);
                Assert.Equal(alone.Simulator.Name, p.Backend);
                Assert.Equal(alone.AnnAccuracy, r.AnnAccuracy);
                Assert.True(p.ConversionSeconds > 0);
            }
        }
        Assert.Empty(r.At("plain", 2)!.Choices); // untuned
        Assert.NotEmpty(r.At("fit", 2)!.Choices);
        Assert.Equal(40, r.Images);
        Assert.Equal(Model, r.Model);
        Assert.Equal(MatchedAccuracy.For(r.Points, r.AnnAccuracy - 0.005, "plain"), r.Matched);
        Assert.Equal(ParetoFront.Of(r.Points), r.Front);
    }

    [Fact]
    public void TheMethodsAreThoseOfTheBenchScript()
    {
        var basis = new ConversionOptions();
        IReadOnlyList<LatencyMethod> all = LatencyMethods.All(basis);
        Assert.Equal(LatencyMethods.Names, all.Select(m => m.Name));
        LatencyMethod M(string name) => all.Single(m => m.Name == name);
        foreach (int t in new[] { 1, 4, 32, 33, 256 })
        {
            Assert.Equal(basis, M("plain").Options(t));
            Assert.Equal(basis with { Burst = 2 }, M("burst2").Options(t));
            ConversionOptions fit = basis with { Window = t, Normalization = NormalizationKind.ChannelFit, SignedSpikes = false };
            Assert.Equal(fit, M("fit").Options(t));
            Assert.Equal(fit with { Calibrate = LayerCalibration.Light }, M("light").Options(t));
            Assert.Equal(fit with { Calibrate = LayerCalibration.Advanced }, M("advanced").Options(t));
            Assert.Equal(fit with { Calibrate = LayerCalibration.Light, SignedSpikes = true }, M("signed").Options(t));
            Assert.Equal(fit with { Calibrate = LayerCalibration.Light, SignedSpikes = null, Burst = 2 }, M("burst2fit").Options(t));
            // default: what eval -T T does, the --optimize-for recipe up to T = 32.
            Assert.Equal(t <= 32 ? ConversionOptions.ForWindow(t) : basis, M("default").Options(t));
            foreach (LatencyMethod m in all) m.Options(t).Validate();
        }
        // Built on the basis: its neuron settings and percentile carry over; its window does not.
        ConversionOptions lif = basis with { Neuron = Ann2Snn.Neurons.NeuronModels.Lif, Percentile = 99.5, Window = 4 };
        Assert.Null(LatencyMethods.All(lif)[0].Options(8).Window);
        Assert.All(LatencyMethods.All(lif), m => Assert.Equal(Ann2Snn.Neurons.NeuronModels.Lif, m.Options(8).Neuron));
        Assert.Equal(99.5, LatencyMethods.All(lif).Single(m => m.Name == "fit").Options(8).Percentile);
    }

    [Theory]
    [InlineData(new[] { "plain", "nope" }, "option 'methods': 'nope' is not one of")]
    [InlineData(new[] { "fit", "fit" }, "option 'methods': 'fit' is given twice")]
    [InlineData(new string[0], "option 'methods': no method given")]
    public void BadMethodsAreNamed(string[] names, string message)
    {
        var e = Assert.Throws<InvalidOptionException>(() => LatencyMethods.Select(names, new ConversionOptions()));
        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BadRequestsAreRefusedBeforeAnythingRuns()
    {
        LatencySweepRequest ok = Request("plain", "light");
        void Refused(LatencySweepRequest bad, string message)
        {
            var e = Assert.Throws<InvalidOptionException>(() => LatencySweep.Run(bad));
            Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
        }
        Refused(ok with { Windows = [] }, "option 'at': no window");
        Refused(ok with { Windows = [4, 0] }, "option 'at': T = 0 is outside");
        Refused(ok with { Windows = [-3] }, "option 'at': T = -3 is outside");
        Refused(ok with { Methods = [] }, "option 'methods': no method");
        Refused(ok with { Methods = [ok.Methods[0], ok.Methods[0]] }, "option 'methods': 'plain' is given twice");
        Refused(ok with { Tolerance = -0.1 }, "option 'match'");
        Refused(ok with { Tolerance = double.NaN }, "option 'match'");
        Refused(ok with { Evaluation = ok.Evaluation with { Calibration = null } }, "option 'calib'");
        Refused(ok with { Evaluation = ok.Evaluation with { Input = InputEncoding.Ttfs } }, "option 'input'");
        Refused(ok with { Evaluation = ok.Evaluation with { ModelPath = "net.snn" } }, "option 'model'");
        // A method whose options are bad at some window: refused before the first point runs.
        var bad = new LatencyMethod("bad", "a burst of 0", t => new ConversionOptions { Burst = t == 8 ? 0 : 1 });
        Refused(ok with { Methods = [ok.Methods[0], bad] }, "option 'burst'");
    }

    [Fact]
    public void AKnownAnnIsTakenAsItIs()
    {
        EvaluationRequest request = Template() with { Simulation = new SimulationOptions { Timesteps = 4 }, Limit = 16 };
        EvaluationResult first = Evaluator.Run(request);
        var stages = new List<EvaluationStage>();
        EvaluationResult second = Evaluator.Run(request with { KnownAnn = first.AnnEvaluation },
            new Inline<EvaluationProgress>(p => stages.Add(p.Stage)));
        Assert.Same(first.AnnEvaluation, second.AnnEvaluation);
        Assert.DoesNotContain(EvaluationStage.Ann, stages);
        Assert.Contains(EvaluationStage.Snn, stages);
        Assert.Equal(first.Accuracy, second.Accuracy);
        Assert.NotNull(first.ConversionSeconds);
    }

    private sealed class Inline<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
