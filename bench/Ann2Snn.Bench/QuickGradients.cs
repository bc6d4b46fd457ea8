using System.Diagnostics;
using Ann2Snn.Ann;
using Ann2Snn.Graph;
using Ann2Snn.Onnx;

namespace Ann2Snn.Bench;

/// <summary>
/// <c>--quick --gradients MODEL.onnx…</c>: images/s of the forward pass alone and of forward + backward (the input gradient of
/// the cross-entropy, as an attack step takes it), medians of interleaved rounds at batch 64 and 256; compare with
/// <c>bench/attack/torch_speed.py</c> on the same machine.
/// </summary>
internal static class QuickGradients
{
    public static void Run(string[] models, int reps, int threads)
    {
        foreach (string path in models)
        {
            ModelGraph graph = OnnxImporter.Load(path);
            var options = new AnnExecutorOptions { MaxDegreeOfParallelism = threads };
            var executor = new AnnExecutor(graph, options);
            var gradients = new AnnGradients(graph, options);
            foreach (int batch in new[] { 64, 256 })
            {
                var rng = new Random(1);
                float[] x = [.. Enumerable.Range(0, batch * executor.InputSize).Select(_ => (float)rng.NextDouble())];
                int[] labels = [.. Enumerable.Range(0, batch).Select(i => i % gradients.Logits.OutputShape.Size)];
                var forward = new List<double>();
                var backward = new List<double>();
                for (int i = 0; i < reps + 2; i++)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    executor.Forward(x, batch);
                    double f = Stopwatch.GetElapsedTime(t0).TotalSeconds;
                    t0 = Stopwatch.GetTimestamp();
                    gradients.Loss(x, labels, batch, LogitLoss.CrossEntropy);
                    double b = Stopwatch.GetElapsedTime(t0).TotalSeconds;
                    if (i < 2) continue;
                    forward.Add(f);
                    backward.Add(b);
                }
                double mf = Median(forward), mb = Median(backward);
                Console.WriteLine($"  GC: gen0 {GC.CollectionCount(0)}, gen1 {GC.CollectionCount(1)}, gen2 {GC.CollectionCount(2)}, "
                    + $"pause {GC.GetTotalPauseDuration().TotalSeconds:F2} s");
                Console.WriteLine($"{Path.GetFileNameWithoutExtension(path)} batch {batch}, {threads} threads: "
                    + $"forward {batch / mf:N0} images/s, "
                    + $"forward+backward {batch / mb:N0} images/s");
            }
        }
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}
