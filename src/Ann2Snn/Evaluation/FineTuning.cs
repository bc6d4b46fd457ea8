using System.Diagnostics;
using Ann2Snn.Training;

namespace Ann2Snn.Evaluation;

/// <summary>
/// Runs a <see cref="FineTuneRequest"/>: reads the images into memory, makes the network differentiable, optionally
/// re-initializes it or restores a checkpoint, measures the test accuracy before, trains (<see cref="FineTuner"/>) writing a
/// checkpoint after every epoch, and returns the tuned network.
/// </summary>
public static class FineTuning
{
    public static FineTuneResult Run(FineTuneRequest request, IProgress<FineTuneProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        var clock = Stopwatch.StartNew();
        FineTuneOptions o = request.Options;
        var network = new TrainableNetwork(request.Network, o.Training);
        int classes = request.Network.Output.Shape.Size;
        InMemoryData train = InMemoryData.Load(request.Train, classes, request.Limit);
        InMemoryData? test = request.Test is null ? null : InMemoryData.Load(request.Test, classes, request.TestLimit);
        var optimizer = new Optimizer(network.Parameters, o.Optimizer);
        int start = 0;
        IReadOnlyList<EpochRecord> history = [];
        if (request.Resume)
        {
            TrainingCheckpoint.State state = TrainingCheckpoint.Load(request.Checkpoint!, network.Fingerprint, o.Optimizer.Kind,
                [.. network.Parameters.Select(p => p.Values.Length)]);
            network = new TrainableNetwork(state.Network, o.Training);
            optimizer = new Optimizer(network.Parameters, o.Optimizer) { Steps = state.Steps };
            for (int p = 0; p < state.First.Length; p++)
            {
                state.First[p].CopyTo(optimizer.First[p], 0);
                if (state.Second.Length > 0) state.Second[p].CopyTo(optimizer.Second[p], 0);
            }
            (start, history) = (state.Epoch, state.History);
        }
        else if (request.RandomInit)
        {
            network.Randomize(o.Seed);
        }
        var (lossBefore, accuracyBefore) = test is null || start > 0 ? (double.NaN, double.NaN) : FineTuner.Evaluate(network, test, 256);
        TrainableNetwork trained = network;
        Optimizer opt = optimizer;
        IReadOnlyList<EpochRecord> epochs = FineTuner.Run(network, optimizer, o, train, test, start, history,
            request.Checkpoint is { } folder ? (e, h) => TrainingCheckpoint.Save(folder, e, trained, opt, h) : null,
            progress, cancellationToken);
        using var process = Process.GetCurrentProcess();
        return new FineTuneResult(network.ToNetwork(), accuracyBefore, lossBefore, epochs, start, clock.Elapsed.TotalSeconds,
            process.PeakWorkingSet64, train.Count, test?.Count ?? 0);
    }
}
