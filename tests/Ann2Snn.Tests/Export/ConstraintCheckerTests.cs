using System.Reflection;
using Ann2Snn.Export;
using Ann2Snn.Neurons;
using Ann2Snn.Nir;
using Ann2Snn.Snn;
using Ann2Snn.Tests.Nir;
using Ann2Snn.Tests.Snn;

namespace Ann2Snn.Tests.Export;

/// <summary>The chips' limits against networks built to meet or break each one.</summary>
public sealed class ConstraintCheckerTests
{
    public static TheoryData<string> Targets => [.. HardwareTargets.Names];

    [Theory]
    [MemberData(nameof(Targets))]
    public void EveryPublishedFigureNamesItsSource(string name)
    {
        HardwareTarget t = HardwareTargets.Find(name);
        foreach (PropertyInfo p in typeof(HardwareTarget).GetProperties().Where(p => p.PropertyType == typeof(Limit)))
        {
            if (p.GetValue(t) is not Limit limit) continue;
            Assert.False(string.IsNullOrWhiteSpace(limit.Source), $"{name}.{p.Name} has no source");
            if (limit.Value is null) Assert.StartsWith("not published", limit.Source, StringComparison.Ordinal);
        }
        Assert.False(string.IsNullOrWhiteSpace(t.NeuronModelsSource));
    }

    [Fact]
    public void UnknownTargetNamesTheOption() =>
        Assert.Contains("--target", Assert.Throws<InvalidOptionException>(() => HardwareTargets.Find("truenorth")).Message,
            StringComparison.Ordinal);

    [Fact]
    public void FloatWeightsFailAnEightBitChipAndPassOnceQuantized()
    {
        SpikingNetwork net = SnnFileTests.Converted("residual");
        ConstraintReport floatReport = ConstraintChecker.Check(net, HardwareTargets.Loihi2);
        Assert.Contains(floatReport.AllProblems, p => p.Contains("float32 weights", StringComparison.Ordinal));
        ConstraintReport q8 = ConstraintChecker.Check(WeightQuantization.Quantize(net, 8), HardwareTargets.Loihi2);
        Assert.DoesNotContain(q8.AllProblems, p => p.Contains("weights", StringComparison.Ordinal));
        Assert.All(q8.Layers.Where(l => l.Kind != "maxpool"), l => Assert.InRange(l.WeightBits!.Value, 1, 8));
        ConstraintReport q12 = ConstraintChecker.Check(WeightQuantization.Quantize(net, 12), HardwareTargets.Loihi2);
        Assert.Contains(q12.AllProblems, p => p.Contains("weights need 12 bits", StringComparison.Ordinal));
    }

    [Fact]
    public void XyloRefusesWideInputsIfNeuronsAndTooManyNeurons()
    {
        SpikingNetwork net = SnnFileTests.Converted("cnn");
        ConstraintReport r = ConstraintChecker.Check(net, HardwareTargets.Xylo);
        Assert.False(r.Passes);
        Assert.Contains(r.NetworkProblems, p => p.Contains("input channels", StringComparison.Ordinal));
        Assert.Contains(r.AllProblems, p => p.Contains("IF neurons", StringComparison.Ordinal));
        Assert.Contains(r.Layers, l => l.Verdict == "fail");
    }

    [Fact]
    public void FanInAndFanOutAreCountedPerNeuron()
    {
        // Dense 12 → 5 (fan-in 12, fan-out 5 per input neuron) and a conv 2→3 channels with a 3×3 kernel (fan-in 18).
        SpikingNetwork net = NirRoundTripTests.RandomNetwork(3);
        ConstraintReport r = ConstraintChecker.Check(net, HardwareTargets.Generic);
        var conv = (NeuronLayer)net.Layers[0];
        var op = (ConvOp)conv.Projections[0].Ops[0];
        Assert.Equal((long)op.Weight.Shape[1] * op.Window.KernelH * op.Window.KernelW, r.Layers[0].FanIn);
        Assert.Equal(net.FanOut(0), r.Layers[0].FanOut);
        Assert.Equal(((DenseOp)((NeuronLayer)net.Layers[1]).Projections[0].Ops[^1]).Weight.Shape[1] * 1L
            * ((NeuronLayer)net.Layers[1]).Projections[0].Ops.OfType<AvgPoolOp>().Select(a => (long)a.Window.KernelH * a.Window.KernelW)
                .DefaultIfEmpty(1).Single(), r.Layers[1].FanIn);
        Assert.True(r.Passes, string.Join("; ", r.AllProblems));
    }

    [Fact]
    public void SignedAndBurstSpikesFailEveryTarget()
    {
        foreach (string name in HardwareTargets.Names)
        {
            Assert.Contains(ConstraintChecker.Check(SnnFileTests.Converted("residual-signed"), HardwareTargets.Find(name)).AllProblems,
                p => p.Contains("signed spikes", StringComparison.Ordinal));
            Assert.Contains(ConstraintChecker.Check(SnnFileTests.Converted("residual-burst2"), HardwareTargets.Find(name)).AllProblems,
                p => p.Contains("burst spikes", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void OperatorLayersFailEveryTarget()
    {
        SpikingNetwork net = SnnFileTests.Operators();
        foreach (string name in HardwareTargets.Names)
        {
            ConstraintReport r = ConstraintChecker.Check(net, HardwareTargets.Find(name));
            Assert.Equal(["ln", "gelu", "qk", "p", "pv"], r.Layers.Where(l => l.Problems.Any(p => p.Contains("spike-equivalent",
                StringComparison.Ordinal))).Select(l => l.Name));
        }
    }

    [Fact]
    public void SpeckRunsIfOnlyAndNeedsACorePerLayer()
    {
        SpikingNetwork lif = SnnFileTests.Converted("residual-lif-refractory");
        ConstraintReport r = ConstraintChecker.Check(lif, HardwareTargets.Speck);
        Assert.Contains(r.AllProblems, p => p.Contains("LIF neurons", StringComparison.Ordinal));
        Assert.All(r.Layers, l => Assert.Equal(1, l.Cores));
        Assert.DoesNotContain(ConstraintChecker.Check(SnnFileTests.Converted("cnn"), HardwareTargets.Speck).AllProblems,
            p => p.Contains("neurons:", StringComparison.Ordinal) && p.Contains("IF", StringComparison.Ordinal));
        Assert.Equal(NeuronModels.If.Name, HardwareTargets.Speck.NeuronModels.Single());
    }
}
