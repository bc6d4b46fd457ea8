using Ann2Snn.Ann;
using Ann2Snn.Graph;
using Ann2Snn.Passes;
using Ann2Snn.Tests.TestUtil;

namespace Ann2Snn.Tests.Passes;

/// <summary>The three checks of a pass test: same outputs, changed structure, or the graph left alone.</summary>
internal static class PassAssert
{
    /// <summary>Random inputs in [−1, 1], the same for every graph of one seed.</summary>
    public static float[] Inputs(ModelGraph graph, int batch, int seed) =>
        TestGraphs.Vector(new Random(seed), batch * graph.Input.OutputShape.Size, -1f, 1f);

    public static float[] Run(ModelGraph graph, float[] x, int batch) =>
        new AnnExecutor(graph, new AnnExecutorOptions { MaxDegreeOfParallelism = 1 }).Forward(x, batch);

    /// <summary>max |after − before| ≤ <paramref name="tolerance"/> · max |before| on random inputs.</summary>
    public static void SameOutputs(ModelGraph before, ModelGraph after, int batch = 4, int seed = 1, double tolerance = 1e-4,
        string? context = null)
    {
        Assert.Equal(before.Input.OutputShape, after.Input.OutputShape);
        Assert.Equal(before.Output.OutputShape, after.Output.OutputShape);
        float[] x = Inputs(before, batch, seed);
        float[] a = Run(before, x, batch), b = Run(after, x, batch);
        double scale = Math.Max(a.Max(MathF.Abs), 1e-6f), error = 0;
        for (int i = 0; i < a.Length; i++) error = Math.Max(error, Math.Abs(a[i] - b[i]));
        Assert.True(error <= tolerance * scale,
            $"{context}{(context is null ? "" : ": ")}max |after − before| = {error:g3} for outputs up to {scale:g3}");
    }

    /// <summary>The pass changed nothing and said so by returning the very same graph.</summary>
    public static void LeftAlone(IGraphPass pass, ModelGraph graph) => Assert.Same(graph, pass.Run(graph));

    /// <summary>A stack of two nodes of type <typeparamref name="T"/>: one run folds the lower one, a second run the other.</summary>
    public static void FoldsOnePerRun<T>(IGraphPass pass, ModelGraph graph, string leftAfterFirstRun) where T : Node
    {
        ModelGraph once = pass.Run(graph);
        SameOutputs(graph, once);
        Assert.Equal([leftAfterFirstRun], once.Nodes.OfType<T>().Select(n => n.Name));
        ModelGraph twice = pass.Run(once);
        SameOutputs(graph, twice);
        Assert.Equal(0, Count<T>(twice));
    }

    public static int Count<T>(ModelGraph graph) where T : Node => graph.Nodes.OfType<T>().Count();

    public static T Node<T>(ModelGraph graph, string name) where T : Node =>
        Assert.IsType<T>(Assert.Single(graph.Nodes, n => n.Name == name));
}
