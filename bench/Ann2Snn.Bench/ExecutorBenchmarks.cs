using Ann2Snn.Ann;
using Ann2Snn.Graph;
using BenchmarkDotNet.Attributes;

namespace Ann2Snn.Bench;

/// <summary>Whole-network forward pass of the LeNet-shaped CNN: batch 256 on 2 threads.</summary>
[MemoryDiagnoser]
public class ExecutorBenchmarks
{
    private AnnExecutor? _executor;
    private float[] _input = [];

    [Params(256)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        ModelGraph graph = LeNet.Build();
        _executor = new AnnExecutor(graph, new AnnExecutorOptions { MaxDegreeOfParallelism = 2 });
        _input = LeNet.Input(Batch);
    }

    [Benchmark]
    public float[] Forward() => _executor!.Forward(_input, Batch);
}
