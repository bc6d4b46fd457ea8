using System.Diagnostics;
using System.Runtime.Intrinsics;
using Ann2Snn.Ann;
using Ann2Snn.Graph;
using Ann2Snn.Kernels;
using Microsoft.ML.OnnxRuntime;

namespace Ann2Snn.Bench;

/// <summary>
/// <c>--quick</c>: times repetitions with a stopwatch (no BenchmarkDotNet) and prints medians: GEMM GFLOP/s, the
/// LeNet forward pass in images/s for Ann2Snn and ONNX Runtime side by side, and per-layer kernel times; with
/// <c>--layout</c>, the data-movement kernels instead of the network (see <see cref="QuickLayout"/>).
/// </summary>
internal static class Quick
{
    public static int Run(string[] args)
    {
        int reps = Option(args, "--reps", 20);
        int batch = Option(args, "--batch", 256);
        int threads = Option(args, "--threads", 2);
        int chunk = Option(args, "--chunk", 0);
        Console.WriteLine($"CPU: {Environment.ProcessorCount} logical cores; Vector512 {(Vector512.IsHardwareAccelerated ? "on" : "off")}, "
            + $"Vector256 {(Vector256.IsHardwareAccelerated ? "on" : "off")}; GEMM kernel {Gemm.Best}");
        int gradients = Array.IndexOf(args, "--gradients");
        if (gradients >= 0)
        {
            QuickGradients.Run([.. args.Skip(gradients + 1).TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal))], reps, threads);
            return 0;
        }
        if (!args.Contains("--no-gemm")) GemmRates(reps);
        if (args.Contains("--layers")) Layers(reps, chunk == 0 ? 16 : chunk);
        if (args.Contains("--layout"))
        {
            QuickLayout.Run(reps, Median);
            return 0;
        }
        int at = Array.IndexOf(args, "--model");
        Network(reps, batch, threads, chunk, at >= 0 && at + 1 < args.Length ? args[at + 1] : null);
        return 0;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : fallback;
    }

    /// <summary>Median seconds of <paramref name="reps"/> calls after a warm-up.</summary>
    private static double Median(int reps, Action action)
    {
        for (int i = 0; i < 3; i++) action();
        var times = new double[reps];
        for (int i = 0; i < reps; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            action();
            times[i] = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        }
        Array.Sort(times);
        return times[reps / 2];
    }

    private static void GemmRates(int reps)
    {
        Console.WriteLine("GEMM (single thread), C[M×N] = A[M×K]·Bᵀ:");
        foreach (var (m, n, k) in new[] { (256, 800, 512), (64, 196, 288), (32, 784, 9), (16, 128, 3136), (128, 128, 3136),
            (512, 512, 512) })
        {
            var rng = new Random(1);
            float[] a = LeNetValues(rng, m * k), b = LeNetValues(rng, n * k), c = new float[m * n];
            GemmPackedB packed = GemmPackedB.Pack(k, n, b, k, transposeB: true);
            double t = Median(reps, () => Gemm.Multiply(m, n, k, a, k, false, b, k, true, c, n));
            double tp = Median(reps, () => Gemm.Multiply(m, a, k, false, packed, c, n));
            double flops = 2.0 * m * n * k;
            Console.WriteLine($"  {m,4}×{n,4}×{k,4}: {flops / t / 1e9,6:F1} GFLOP/s, pre-packed B {flops / tp / 1e9,6:F1} GFLOP/s");
        }
    }

    private static float[] LeNetValues(Random rng, int n) => Enumerable.Range(0, n).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();

    /// <summary>
    /// Each LeNet layer alone, single thread, as the executor runs it (per image, or per chunk for dense layers),
    /// timed in process CPU time so other processes on the machine do not count: where the time goes.
    /// </summary>
    private static void Layers(int reps, int chunk)
    {
        ModelGraph graph = LeNet.Build();
        var all = new AnnExecutor(graph, new AnnExecutorOptions { MaxDegreeOfParallelism = 1 }).ForwardAll(LeNet.Input(chunk), chunk);
        Console.WriteLine($"Per layer, single thread, CPU µs per image, data in cache (dense layers on chunks of {chunk}):");
        double total = 0;
        foreach (Node node in graph.Nodes.Skip(1))
        {
            if (node is ReshapeNode) continue;
            int source = graph.IndexOf(node.Inputs[0]);
            Layer layer = Layer.Create(node, [source]);
            var view = new Memory<float>[graph.Nodes.Count];
            float[] x = all.Of(node.Inputs[0]);
            var y = new float[chunk * node.OutputShape.Size];
            int inSize = node.Inputs[0].OutputShape.Size, outSize = node.OutputShape.Size;
            Action run = node is DenseNode
                ? () =>
                {
                    view[source] = x;
                    layer.Run(view, y, chunk);
                }
            : () =>
            {
                // One image at a time, as a per-sample stage runs it: the same image, so it stays in cache.
                view[source] = x.AsMemory(0, inSize);
                for (int t = 0; t < chunk; t++) layer.Run(view, y.AsSpan(0, outSize), 1);
            };
            double us = MedianCpu(reps, run) / chunk * 1e6;
            total += us;
            Console.WriteLine($"  {node.Name,-8} {node.Op,-10} {us,8:F2}");
        }
        Console.WriteLine($"  total               {total,8:F2}  → {1e6 / total:F0} images/s per thread");
        var whole = new AnnExecutor(graph, new AnnExecutorOptions { MaxDegreeOfParallelism = 1 });
        float[] input = LeNet.Input(256);
        Console.WriteLine($"  whole forward, batch 256, one thread: "
            + $"{MedianCpu(reps, () => whole.Forward(input, 256)) / 256 * 1e6:F2} CPU µs per image");
    }

    /// <summary>Median process CPU seconds per call, after a warm-up; each rep loops long enough for the CPU clock's granularity.</summary>
    private static double MedianCpu(int reps, Action action)
    {
        // Warm up long enough for tiered compilation to settle (TensorPrimitives is not precompiled), then size a rep to ≥ 20 ms.
        long t0 = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(t0).TotalMilliseconds < 400) action();
        t0 = Stopwatch.GetTimestamp();
        int calls = 0;
        while (calls < 5 || Stopwatch.GetElapsedTime(t0).TotalMilliseconds < 20)
        {
            action();
            calls++;
        }
        var times = new double[reps];
        using var process = Process.GetCurrentProcess();
        for (int i = 0; i < reps; i++)
        {
            process.Refresh();
            TimeSpan c0 = process.TotalProcessorTime;
            for (int j = 0; j < calls; j++) action();
            process.Refresh();
            times[i] = (process.TotalProcessorTime - c0).TotalSeconds / calls;
        }
        Array.Sort(times);
        return times[reps / 2];
    }

    private static void Network(int reps, int batch, int threads, int chunk, string? modelPath)
    {
        // A zoo model from its file (both sides read the same bytes), or the LeNet-shaped network built in code.
        byte[] onnx = modelPath is null ? OnnxExport.ToOnnx(LeNet.Build()) : File.ReadAllBytes(modelPath);
        // Both sides optimize the graph: ORT with its fusions, ours with the inference passes (BatchNorm folding).
        ModelGraph graph = Ann2Snn.Passes.PassPipeline.Inference.Run(
            modelPath is null ? LeNet.Build() : Ann2Snn.Onnx.OnnxImporter.Load(onnx, Path.GetFileName(modelPath)));
        float[] x = LeNet.Input(batch);
        var exec = new AnnExecutor(graph, new AnnExecutorOptions { MaxDegreeOfParallelism = threads, BatchChunk = chunk });
        float[] ours = exec.Forward(x, batch);

        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        using var session = new InferenceSession(onnx, options);
        using var runOptions = new RunOptions();
        string[] inputNames = [session.InputMetadata.Keys.Single()], outputNames = [session.OutputMetadata.Keys.Single()];
        float[] theirs = [];
        void RunOrt()
        {
            using var value = OrtValue.CreateTensorValueFromMemory(x, [batch, 1, 28, 28]);
            using var outputs = session.Run(runOptions, inputNames, [value], outputNames);
            theirs = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        }
        // Interleaved rounds, so both sides see the same machine load; each round is a median of reps.
        var ourTimes = new List<double>();
        var ortTimes = new List<double>();
        for (int round = 0; round < 3; round++)
        {
            ourTimes.Add(Median(reps, () => exec.Forward(x, batch)));
            ortTimes.Add(Median(reps, RunOrt));
        }
        double tOurs = ourTimes.Order().ElementAt(1), tOrt = ortTimes.Order().ElementAt(1);
        double maxDiff = ours.Zip(theirs, (a, b) => Math.Abs(a - b)).Max();

        Console.WriteLine($"{(modelPath is null ? "LeNet (built in code)" : Path.GetFileName(modelPath))} forward, batch {batch}, "
            + $"{threads} threads, median of 3 rounds of {reps} reps (best round):");
        Console.WriteLine($"  Ann2Snn      {tOurs * 1e3,8:F2} ms  {batch / tOurs,9:F0} images/s  ({batch / ourTimes.Min():F0})");
        Console.WriteLine($"  ONNX Runtime {tOrt * 1e3,8:F2} ms  {batch / tOrt,9:F0} images/s  ({batch / ortTimes.Min():F0})");
        Console.WriteLine($"  ratio (Ann2Snn / ORT images/s): {tOrt / tOurs:F2}×   max |Δ output| = {maxDiff:g3}");
    }
}
