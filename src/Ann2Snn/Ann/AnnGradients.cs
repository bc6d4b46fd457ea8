using Ann2Snn.Graph;

namespace Ann2Snn.Ann;

/// <summary>
/// Reverse-mode gradients through a <see cref="ModelGraph"/>: of a loss on any node's values with respect to the input and,
/// when asked, to every weight and bias, for a batch. The forward pass is <see cref="AnnExecutor"/>'s; each layer's backward
/// pass reuses the same kernels (a convolution's input gradient is a transposed convolution, its weight gradient a GEMM
/// over the unfolded input). Immutable once built; thread-safe.
/// </summary>
/// <remarks>
/// The batch is cut into chunks that run in parallel, each forward then backward through the graph in reverse order,
/// gradients accumulating over a node's consumers (a residual branch, a concatenation). Parameter gradients are summed per
/// chunk and the chunks' sums added in chunk order, so results do not depend on the thread schedule.
/// </remarks>
public sealed class AnnGradients
{
    private const int MaxChunk = 32;

    private readonly AnnExecutor _forward;
    private readonly int _workers;
    private readonly System.Collections.Concurrent.ConcurrentBag<Workspace> _workspaces = [];

    /// <summary>
    /// Prepares the gradients of <paramref name="graph"/>; refuses, naming the node, any op with no gradient on the way to the logits.
    /// </summary>
    /// <exception cref="UnsupportedOperatorException">a node between the input and <see cref="Logits"/> has no gradient.</exception>
    public AnnGradients(ModelGraph graph, AnnExecutorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        options ??= new AnnExecutorOptions();
        _forward = new AnnExecutor(graph, options with { MaxDegreeOfParallelism = 1, BatchChunk = 0 });
        _workers = options.MaxDegreeOfParallelism == 0 ? Environment.ProcessorCount : options.MaxDegreeOfParallelism;
        Logits = graph.Output is SoftmaxNode softmax ? softmax.Inputs[0] : graph.Output;
        CheckDifferentiable(Logits);
    }

    public ModelGraph Graph => _forward.Graph;

    /// <summary>The node whose values the logit losses are taken on: the output, or the input of a final softmax.</summary>
    public Node Logits { get; }

    /// <summary>
    /// The gradients of <paramref name="loss"/> on the logits for <paramref name="labels"/> (one per sample): see
    /// <see cref="Backward"/>.
    /// </summary>
    public GradientResult Loss(ReadOnlySpan<float> input, IReadOnlyList<int> labels, int batch, LogitLoss loss, bool parameters = false)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count != batch) throw new ArgumentException($"{labels.Count} labels for a batch of {batch}", nameof(labels));
        return Backward(input, batch, Logits, (s, z, g) => LogitLosses.Evaluate(loss, z, labels[s], g), parameters);
    }

    /// <summary>
    /// Runs <paramref name="batch"/> samples forward to <paramref name="at"/>, takes each sample's loss there with
    /// <paramref name="seed"/>, and propagates its gradient back to the input (and to the parameters when
    /// <paramref name="parameters"/>). <paramref name="seed"/> may be called from several threads at once.
    /// </summary>
    public GradientResult Backward(ReadOnlySpan<float> input, int batch, Node at, GradientSeed seed, bool parameters = false)
    {
        ArgumentNullException.ThrowIfNull(at);
        ArgumentNullException.ThrowIfNull(seed);
        ModelGraph graph = Graph;
        int target = graph.IndexOf(at);
        if (target < 0) throw new ArgumentException($"node '{at.Name}' is not in graph '{graph.Name}'", nameof(at));
        CheckDifferentiable(at);
        int inSize = _forward.InputSize, size = at.OutputShape.Size;
        if (input.Length != (long)batch * inSize)
        {
            throw new ArgumentException($"graph '{graph.Name}': input has {input.Length} values, expected {batch} × {inSize}",
                nameof(input));
        }
        bool[] needed = Ancestors(target);
        var losses = new float[batch];
        var values = new float[batch * size];
        var inputGradient = new float[batch * inSize];
        int chunk = Math.Clamp((batch + _workers - 1) / Math.Max(1, _workers), 1, MaxChunk);
        int chunks = (batch + chunk - 1) / chunk;
        var chunkParameters = new Dictionary<int, float[][]>?[chunks];
        float[] x = input.ToArray();
        void Body(int c)
        {
            int start = c * chunk, count = Math.Min(chunk, batch - start);
            chunkParameters[c] = RunChunk(x, start, count, target, needed, seed, parameters, losses, values, inputGradient);
        }
        if (_workers == 1 || chunks == 1)
        {
            for (int c = 0; c < chunks; c++) Body(c);
        }
        else
        {
            Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = _workers }, Body);
        }
        return new GradientResult(batch, losses, values, inputGradient, parameters ? SumParameters(chunkParameters, needed) : []);
    }

    private Dictionary<int, float[][]>? RunChunk(float[] x, int start, int count, int target, bool[] needed, GradientSeed seed,
        bool withParameters, float[] losses, float[] values, float[] inputGradient)
    {
        ModelGraph graph = Graph;
        int nodes = graph.Nodes.Count, inSize = _forward.InputSize, size = graph.Nodes[target].OutputShape.Size;
        Workspace w = _workspaces.TryTake(out Workspace? kept) ? kept : new Workspace(this);
        try
        {
            x.AsSpan(start * inSize, count * inSize).CopyTo(w.Values[0]);
            _forward.ForwardAllInto(count, w.Values);
            var data = new Memory<float>[nodes];
            var grad = new Memory<float>[nodes];
            for (int i = 0; i < nodes; i++)
            {
                int length = count * _forward.SizeOf(i);
                data[i] = w.Values[i].AsMemory(0, length);
                if (!needed[i] || _forward.StorageOf(i) != i) continue;
                grad[i] = w.Gradients[i].AsMemory(0, length);
                grad[i].Span.Clear();
            }
            int t = _forward.StorageOf(target);
            Span<float> seedValues = data[t].Span, seedGradient = grad[t].Span;
            for (int s = 0; s < count; s++)
            {
                losses[start + s] = seed(start + s, seedValues.Slice(s * size, size), seedGradient.Slice(s * size, size));
            }
            seedValues[..(count * size)].CopyTo(values.AsSpan(start * size));
            var parameters = withParameters ? new Dictionary<int, float[][]>() : null;
            for (int i = target; i >= 1; i--)
            {
                Layer? layer = _forward.LayerAt(i);
                if (layer is null || !needed[i]) continue;
                float[][]? p = null;
                if (parameters is not null && layer.Parameters.Count > 0)
                {
                    p = layer.Parameters.Select(q => new float[q.Size]).ToArray();
                    parameters[i] = p;
                }
                layer.Backward(data, data[i].Span, grad[i].Span, grad, count, p);
            }
            grad[0].Span.CopyTo(inputGradient.AsSpan(start * inSize, count * inSize));
            return parameters;
        }
        finally
        {
            _workspaces.Add(w);
        }
    }

    /// <summary>
    /// One chunk's buffers, kept between calls (fresh arrays of this size measured many times slower than the arithmetic: the
    /// pages are faulted in anew): every storage node's values and gradient for <see cref="MaxChunk"/> samples.
    /// </summary>
    private sealed class Workspace
    {
        public Workspace(AnnGradients owner)
        {
            AnnExecutor f = owner._forward;
            int nodes = owner.Graph.Nodes.Count;
            Values = new float[nodes][];
            Gradients = new float[nodes][];
            for (int i = 0; i < nodes; i++)
            {
                int storage = f.StorageOf(i);
                Values[i] = storage == i ? new float[MaxChunk * f.SizeOf(i)] : Values[storage];
                Gradients[i] = storage == i ? new float[MaxChunk * f.SizeOf(i)] : Gradients[storage];
            }
        }

        public float[][] Values { get; }
        public float[][] Gradients { get; }
    }

    private List<ParameterGradient> SumParameters(Dictionary<int, float[][]>?[] chunks, bool[] needed)
    {
        var result = new List<ParameterGradient>();
        for (int i = 1; i < Graph.Nodes.Count; i++)
        {
            Layer? layer = _forward.LayerAt(i);
            if (layer is null || !needed[i]) continue;
            for (int k = 0; k < layer.Parameters.Count; k++)
            {
                var sum = new float[layer.Parameters[k].Size];
                foreach (Dictionary<int, float[][]>? chunk in chunks)
                {
                    if (chunk is not null && chunk.TryGetValue(i, out float[][]? p))
                    {
                        System.Numerics.Tensors.TensorPrimitives.Add(sum, p[k], sum);
                    }
                }
                result.Add(new ParameterGradient(Graph.Nodes[i].Name, layer.Parameters[k].Name, sum));
            }
        }
        return result;
    }

    /// <summary>Which nodes lie on a path from the input to the node at <paramref name="target"/> (itself included).</summary>
    private bool[] Ancestors(int target)
    {
        ModelGraph graph = Graph;
        var needed = new bool[graph.Nodes.Count];
        needed[target] = true;
        for (int i = target; i >= 0; i--)
        {
            if (!needed[i]) continue;
            foreach (Node input in graph.Nodes[i].Inputs) needed[graph.IndexOf(input)] = true;
        }
        // Aliases share their storage's gradient buffer: the storage needs it whenever an alias does.
        for (int i = target; i >= 0; i--)
        {
            if (needed[i]) needed[_forward.StorageOf(i)] = true;
        }
        return needed;
    }

    private void CheckDifferentiable(Node at)
    {
        bool[] needed = Ancestors(Graph.IndexOf(at));
        for (int i = 1; i < needed.Length; i++)
        {
            if (needed[i] && _forward.LayerAt(i)?.NoGradient is { } why)
            {
                Node node = Graph.Nodes[i];
                throw new UnsupportedOperatorException($"node '{node.Name}' ({node.Op}) has no gradient: {why}");
            }
        }
    }
}
