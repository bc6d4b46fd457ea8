namespace Ann2Snn.Evaluation;

/// <summary>
/// Where <see cref="Evaluator.Run"/> stands: <paramref name="Done"/> of <paramref name="Total"/> images of a stage.
/// Each stage first reports 0 done, then counts as it goes; <paramref name="Description"/> says what runs on what
/// (e.g. "SNN (event, T=32) on mnist (test)").
/// </summary>
public sealed record EvaluationProgress(EvaluationStage Stage, string Description, int Done, int Total);
