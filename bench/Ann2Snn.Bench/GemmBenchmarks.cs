using Ann2Snn.Kernels;
using BenchmarkDotNet.Attributes;

namespace Ann2Snn.Bench;

/// <summary>Single-threaded SGEMM, C[M×N] = A[M×K]·B[K×N] (B transposed: the dense-layer case).</summary>
[MemoryDiagnoser]
public class GemmBenchmarks
{
    private float[] _a = [], _b = [], _c = [];
    private GemmPackedB? _packed;

    [Params("256x800x512", "64x196x288", "128x128x3136", "1000x1000x1000")]
    public string Size { get; set; } = "256x800x512";

    private (int M, int N, int K) Dims
    {
        get
        {
            int[] d = Size.Split('x').Select(int.Parse).ToArray();
            return (d[0], d[1], d[2]);
        }
    }

    [GlobalSetup]
    public void Setup()
    {
        var (m, n, k) = Dims;
        var rng = new Random(1);
        _a = Enumerable.Range(0, m * k).Select(_ => (float)rng.NextDouble()).ToArray();
        _b = Enumerable.Range(0, n * k).Select(_ => (float)rng.NextDouble()).ToArray();
        _c = new float[m * n];
        _packed = GemmPackedB.Pack(k, n, _b, k, transposeB: true);
    }

    [Benchmark(Baseline = true)]
    public void Multiply()
    {
        var (m, n, k) = Dims;
        Gemm.Multiply(m, n, k, _a, k, false, _b, k, true, _c, n);
    }

    [Benchmark]
    public void MultiplyPrepacked()
    {
        var (m, _, k) = Dims;
        Gemm.Multiply(m, _a, k, false, _packed!, _c, _packed!.N);
    }
}
