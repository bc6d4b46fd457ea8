using Ann2Snn.Ann;

namespace Ann2Snn.Evaluation;

/// <summary>
/// Accuracy against the window for several conversion methods, with their synaptic events (issue 12's report): every method
/// of a <see cref="LatencySweepRequest"/> converts the ANN for every window T and is simulated for T steps, one
/// <see cref="Evaluator.Run"/> each (the ANN measured once and its accuracy handed to the others). Then, per method, the
/// smallest T at which it reaches the ANN's accuracy less a tolerance and its events there against the reference's
/// (<see cref="MatchedAccuracy"/>), and the Pareto front of accuracy against events over all points (<see cref="ParetoFront"/>).
/// </summary>
public static class LatencySweep
{
    /// <summary>
    /// Runs <paramref name="request"/> (validated first, every method at every window, before any file is read). Progress
    /// goes to <paramref name="progress"/>, synchronously, as each point starts and ends.
    /// </summary>
    public static LatencySweepResult Run(
        LatencySweepRequest request, IProgress<LatencySweepProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        EvaluationRequest template = request.Evaluation;
        Graph.ModelGraph graph = template.Graph ?? template.GraphLoader!(template.ModelPath!);
        string model = template.ModelPath ?? graph.Name;
        request = request with { Evaluation = template with { Graph = graph, ModelPath = null } };
        int total = request.Methods.Count * request.Windows.Count, done = 0;
        AnnEvaluation? ann = null;
        var points = new List<LatencyPoint>(total);
        EvaluationResult? last = null;
        foreach (LatencyMethod method in request.Methods)
        {
            foreach (int t in request.Windows)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Report(new LatencySweepProgress(done, total, method.Name, t, null));
                last = Evaluator.Run(request.Point(method, t, ann), null, cancellationToken);
                ann ??= last.AnnEvaluation;
                var point = new LatencyPoint(method.Name, t, last.Accuracy[^1].Snn, last.Snn.TotalSynapticEventsPerImage,
                    last.Snn.SpikesPerImage, last.ConversionSeconds ?? 0, last.Simulator.Name, last.Conversion?.Choices ?? []);
                points.Add(point);
                progress?.Report(new LatencySweepProgress(++done, total, method.Name, t, point));
            }
        }
        double accuracy = ann!.Accuracy;
        return new LatencySweepResult
        {
            Model = model,
            Data = last!.Data,
            Images = last.Images,
            AnnAccuracy = accuracy,
            Tolerance = request.Tolerance,
            Reference = request.Reference,
            Windows = request.Windows,
            Methods = [.. request.Methods.Select(m => m.Name)],
            Descriptions = request.Methods.ToDictionary(m => m.Name, m => m.Description),
            Points = points,
            Matched = MatchedAccuracy.For(points, accuracy - request.Tolerance / 100, request.Reference),
            Front = ParetoFront.Of(points),
        };
    }
}
