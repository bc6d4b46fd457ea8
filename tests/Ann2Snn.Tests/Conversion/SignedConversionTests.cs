using Ann2Snn.Ann;
using Ann2Snn.Conversion;
using Ann2Snn.Data;
using Ann2Snn.Graph;
using Ann2Snn.Neurons;
using Ann2Snn.Simulation;
using Ann2Snn.Simulation.Dense;
using Ann2Snn.Snn;
using Ann2Snn.Tests.TestUtil;

namespace Ann2Snn.Tests.Conversion;

public class SignedConversionTests
{
    /// <summary>
    /// Per population: mean over neurons of |net rate·λ/B − ANN activation (clipped to λ)|, averaged over images, at T steps
    /// (B the burst limit: a spike stands for λ/B).
    /// </summary>
    internal static double[] RateErrors(ModelGraph graph, ConversionOptions options, int timesteps)
    {
        ModelGraph prepared = Converter.Prepare(graph, out var applied);
        const int count = 48;
        float[] calib = TestGraphs.Inputs(new Random(11), 32, graph.Input.OutputShape.Size);
        ConversionResult converted = Converter.Convert(prepared, Calibration.Collect(prepared, [(calib, 32)], 32),
            options, applied);
        float[] x = TestGraphs.Inputs(new Random(21), count, graph.Input.OutputShape.Size);
        SimulationResult result = new DenseSimulator().Run(converted.Network, [new DataBatch(x, new int[count], count)],
            new SimulationOptions { Timesteps = timesteps, MaxDegreeOfParallelism = 1 });
        AnnActivations ann = new AnnExecutor(prepared).ForwardAll(x, count);
        var errors = new List<double>();
        for (int l = 0; l < converted.Network.Layers.Count; l++)
        {
            if (converted.Network.Layers[l] is not NeuronLayer layer) continue;
            float lambda = converted.Layers.Single(c => c.Name == layer.Name).Scale;
            float[] a = ann.Of(prepared.Nodes.Single(n => n.Name == layer.Name));
            int size = layer.Shape.Size;
            double error = 0;
            for (int k = 0; k < size; k++)
            {
                double mean = 0;
                for (int b = 0; b < count; b++) mean += Math.Min(a[b * size + k], lambda);
                error += Math.Abs(result.NeuronSpikes[l][k] / (double)(count * timesteps) * lambda / options.Burst - mean / count);
            }
            errors.Add(error / size);
        }
        return errors.ToArray();
    }

    [Theory]
    [InlineData("residual", 8)]
    [InlineData("cnn", 8)]
    public void SignedNeuronsTrackTheAnnActivationsCloserAtSmallT(string name, int timesteps)
    {
        ModelGraph graph = name == "cnn" ? TestGraphs.SmallCnn() : TestGraphs.ResidualMlp();
        double[] plain = RateErrors(graph, new ConversionOptions { SignedSpikes = false }, timesteps),
            signed = RateErrors(graph, new ConversionOptions { SignedSpikes = true }, timesteps);
        Assert.True(signed.Sum() < plain.Sum(), $"signed errors [{string.Join(", ", signed.Select(e => e.ToString("g3")))}] "
            + $"vs unsigned [{string.Join(", ", plain.Select(e => e.ToString("g3")))}]");
        for (int l = 0; l < plain.Length; l++) Assert.True(signed[l] <= plain[l] * 1.05 + 1e-6,
            $"population {l}: signed error {signed[l]:g3}, unsigned {plain[l]:g3}");
    }

    [Fact]
    public void SignedWithLifOrRefractoryIsRefusedNamingSigned()
    {
        var lif = new ConversionOptions { SignedSpikes = true, Neuron = NeuronModels.Lif };
        var e = Assert.Throws<InvalidOptionException>(lif.Validate);
        Assert.Contains("signed", e.Message);
        e = Assert.Throws<InvalidOptionException>(() => new ConversionOptions { SignedSpikes = true, RefractorySteps = 1 }.Validate());
        Assert.Contains("signed", e.Message);
    }
}
