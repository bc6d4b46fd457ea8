using System.Diagnostics;

namespace Ann2Snn.Training;

/// <summary>
/// The training loop: per epoch, the images in a seeded order (<see cref="SeededShuffle"/>), one update per batch (gradient of
/// the batch's mean cross-entropy through time, clipped, then the optimizer at the scheduled learning rate), then the test
/// images' accuracy and a checkpoint. A run resumed from a checkpoint continues exactly as the uninterrupted run would
/// have: same order, same schedule, same optimizer state.
/// </summary>
public static class FineTuner
{
    /// <summary>Points of each epoch's loss curve.</summary>
    public const int CurvePoints = 50;

    /// <summary>
    /// Trains <paramref name="network"/> from the end of epoch <paramref name="startEpoch"/> (0 for a new run) to
    /// <see cref="FineTuneOptions.Epochs"/>; <paramref name="epochDone"/> is called after each epoch (to write a checkpoint).
    /// Throws <see cref="TrainingDivergedException"/> naming the epoch and batch when the loss is not finite (the parameters
    /// are then those after the last finite batch, and no checkpoint is written for the epoch).
    /// </summary>
    public static IReadOnlyList<EpochRecord> Run(TrainableNetwork network, Optimizer optimizer, FineTuneOptions options,
        InMemoryData train, InMemoryData? test, int startEpoch = 0, IReadOnlyList<EpochRecord>? history = null,
        Action<int, IReadOnlyList<EpochRecord>>? epochDone = null, IProgress<FineTuneProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(train);
        options.Validate();
        var records = new List<EpochRecord>(history ?? []);
        int size = train.SampleSize, batch = Math.Min(options.BatchSize, train.Count);
        int batches = (train.Count + batch - 1) / batch;
        long total = (long)batches * options.Epochs;
        var x = new float[batch * size];
        var y = new int[batch];
        for (int epoch = startEpoch + 1; epoch <= options.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            int[] order = SeededShuffle.Permutation(train.Count, options.Seed, epoch);
            double lossSum = 0;
            long correct = 0;
            int seen = 0;
            var losses = new double[batches];
            for (int b = 0; b < batches; b++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int start = b * batch, n = Math.Min(batch, train.Count - start);
                for (int i = 0; i < n; i++)
                {
                    int k = order[start + i];
                    train.Images.AsSpan(k * size, size).CopyTo(x.AsSpan(i * size, size));
                    y[i] = train.Labels[k];
                }
                BatchStats stats = network.Gradient(x.AsSpan(0, n * size), y.AsSpan(0, n), n);
                if (!double.IsFinite(stats.Loss))
                {
                    throw new TrainingDivergedException($"epoch {epoch}, batch {b + 1} of {batches}: the loss is {stats.Loss}; "
                        + "stopped (the last checkpoint is kept); try a lower --lr or --clip");
                }
                Optimizer.Clip(network.Gradients, options.Optimizer.ClipNorm);
                optimizer.Step(network.Gradients, Optimizer.LearningRate(options.Optimizer, optimizer.Steps, total));
                lossSum += stats.Loss;
                correct += stats.Correct;
                seen += n;
                losses[b] = stats.Loss / n;
                progress?.Report(new FineTuneProgress(epoch, options.Epochs, b + 1, batches, seen, train.Count, lossSum / seen,
                    (double)correct / seen, seen / Math.Max(1e-9, clock.Elapsed.TotalSeconds)));
            }
            double seconds = clock.Elapsed.TotalSeconds, testLoss = double.NaN, testAccuracy = double.NaN;
            if (test is not null) (testLoss, testAccuracy) = Evaluate(network, test, batch);
            records.Add(new EpochRecord(epoch, lossSum / seen, (double)correct / seen, testLoss, testAccuracy, seconds, Curve(losses)));
            epochDone?.Invoke(epoch, records);
        }
        return records;
    }

    /// <summary>Mean loss and accuracy of <paramref name="data"/> (forward pass only).</summary>
    public static (double Loss, double Accuracy) Evaluate(TrainableNetwork network, InMemoryData data, int batch = 256)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        double loss = 0;
        long correct = 0;
        for (int start = 0; start < data.Count; start += batch)
        {
            int n = Math.Min(batch, data.Count - start);
            BatchStats s = network.Evaluate(data.Images.AsSpan(start * data.SampleSize, n * data.SampleSize),
                data.Labels.AsSpan(start, n), n);
            loss += s.Loss;
            correct += s.Correct;
        }
        return (loss / data.Count, (double)correct / data.Count);
    }

    private static double[] Curve(double[] losses)
    {
        int points = Math.Min(CurvePoints, losses.Length);
        var curve = new double[points];
        for (int p = 0; p < points; p++)
        {
            int from = (int)((long)p * losses.Length / points), to = (int)((long)(p + 1) * losses.Length / points);
            curve[p] = losses[from..to].Average();
        }
        return curve;
    }
}
