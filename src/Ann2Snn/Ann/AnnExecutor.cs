using System.Buffers;
using Ann2Snn.Graph;

namespace Ann2Snn.Ann;

/// <summary>Options of the ANN executor.</summary>
public sealed record AnnExecutorOptions
{
    /// <summary>Worker threads over the batch; 0 means <see cref="Environment.ProcessorCount"/>.</summary>
    public int MaxDegreeOfParallelism { get; init; }

    /// <summary>
    /// Samples per unit of work: each worker runs the whole graph on one chunk of the batch at a time, so a chunk's
    /// activations stay in cache and a dense layer is one GEMM per chunk. 0 picks a size from the batch and the
    /// worker count. Results do not depend on it, nor on the degree of parallelism.
    /// </summary>
    public int BatchChunk { get; init; }
}

/// <summary>
/// Runs a <see cref="ModelGraph"/> on a batch of samples (NCHW, batch-major): the reference the spiking network is
/// measured against and the source of calibration activations. Immutable once built; <see cref="Forward"/> and
/// <see cref="ForwardAll"/> may be called from several threads at once.
/// </summary>
/// <remarks>
/// The batch is cut into chunks; chunks run in parallel, each through the whole graph. Every sample's arithmetic
/// is the same whatever chunk it lands in, so results are bit-identical for any degree of parallelism.
/// </remarks>
public sealed class AnnExecutor
{
    /// <summary>Largest automatic chunk: big enough for an efficient dense GEMM, small enough to stay in cache.</summary>
    private const int MaxAutoChunk = 16;

    private readonly Layer?[] _layers;   // per node index; null for the input and for aliases (Reshape, Identity)
    private readonly int[] _storage;     // per node index: the node whose buffer holds its data (itself unless an alias)
    private readonly int[] _reads;       // per storage node: how many computing layers read it
    private readonly int[] _sizes;       // per node index: per-sample element count
    private readonly int _outputIndex;
    private readonly int _workers;
    private readonly int _chunk;

    public AnnExecutor(ModelGraph graph, AnnExecutorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        options ??= new AnnExecutorOptions();
        if (options.MaxDegreeOfParallelism < 0)
        {
            ThrowHelper.InvalidOption(nameof(AnnExecutorOptions.MaxDegreeOfParallelism), $"{options.MaxDegreeOfParallelism} is negative; use 0 for one worker per processor");
        }
        if (options.BatchChunk < 0)
        {
            ThrowHelper.InvalidOption(nameof(AnnExecutorOptions.BatchChunk), $"{options.BatchChunk} is negative; use 0 for automatic");
        }
        Graph = graph;
        Options = options;
        _workers = options.MaxDegreeOfParallelism == 0 ? Environment.ProcessorCount : options.MaxDegreeOfParallelism;
        _chunk = options.BatchChunk;

        int count = graph.Nodes.Count;
        _layers = new Layer?[count];
        _storage = new int[count];
        _reads = new int[count];
        _sizes = new int[count];
        for (int i = 0; i < count; i++)
        {
            Node node = graph.Nodes[i];
            int[] inputs = node.Inputs.Select(graph.IndexOf).ToArray();
            _sizes[i] = node.OutputShape.Size;
            if (node is InputNode or ReshapeNode or IdentityNode)
            {
                _storage[i] = i == 0 ? 0 : _storage[inputs[0]];
                continue;
            }
            _storage[i] = i;
            _layers[i] = Layer.Create(node, inputs);
            foreach (int j in inputs) _reads[_storage[j]]++;
        }
        _outputIndex = graph.IndexOf(graph.Output);
    }

    public ModelGraph Graph { get; }
    public AnnExecutorOptions Options { get; }

    /// <summary>Per-sample input size (elements).</summary>
    public int InputSize => Graph.Input.OutputShape.Size;

    /// <summary>Per-sample output size (elements).</summary>
    public int OutputSize => Graph.Output.OutputShape.Size;

    /// <summary>Runs <paramref name="batch"/> samples (batch × <see cref="InputSize"/> floats) and returns batch × <see cref="OutputSize"/> outputs.</summary>
    public float[] Forward(ReadOnlySpan<float> input, int batch)
    {
        CheckInput(input, batch);
        var output = new float[batch * OutputSize];
        float[] x = Copy(input);
        try
        {
            Run(batch, (start, count) => RunChunk(x, start, count, output, null));
        }
        finally
        {
            ArrayPool<float>.Shared.Return(x);
        }
        return output;
    }

    /// <summary>Runs the batch and keeps every node's output (batch × node size each), for calibration and analysis.</summary>
    public AnnActivations ForwardAll(ReadOnlySpan<float> input, int batch)
    {
        CheckInput(input, batch);
        var all = new float[Graph.Nodes.Count][];
        all[0] = input.ToArray();
        for (int i = 1; i < all.Length; i++)
        {
            all[i] = _storage[i] == i ? new float[batch * _sizes[i]] : all[_storage[i]];
        }
        Run(batch, (start, count) => RunChunk(all[0], start, count, all[_outputIndex], all));
        return new AnnActivations(Graph, batch, all);
    }

    private void CheckInput(ReadOnlySpan<float> input, int batch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        long expected = (long)batch * InputSize;
        if (input.Length != expected)
        {
            throw new ArgumentException(
                $"graph '{Graph.Name}': input has {input.Length} values, expected batch {batch} × {InputSize} ({Graph.Input.Name} {Graph.Input.OutputShape}) = {expected}",
                nameof(input));
        }
        if ((long)batch * Graph.Nodes.Max(n => n.OutputShape.Size) > Array.MaxLength)
        {
            throw new ArgumentException($"graph '{Graph.Name}': a batch of {batch} is too large for one call; split it", nameof(batch));
        }
    }

    private static float[] Copy(ReadOnlySpan<float> input)
    {
        float[] x = ArrayPool<float>.Shared.Rent(Math.Max(1, input.Length));
        input.CopyTo(x);
        return x;
    }

    /// <summary>Cuts [0, batch) into chunks and runs them, in parallel when more than one worker and chunk.</summary>
    private void Run(int batch, Action<int, int> chunkBody)
    {
        if (batch == 0) return;
        int chunk = _chunk > 0 ? _chunk : Math.Clamp((batch + _workers - 1) / _workers, 1, MaxAutoChunk);
        int chunks = (batch + chunk - 1) / chunk;
        if (_workers == 1 || chunks == 1)
        {
            for (int c = 0; c < chunks; c++) chunkBody(c * chunk, Math.Min(chunk, batch - c * chunk));
            return;
        }
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = _workers }, c =>
            chunkBody(c * chunk, Math.Min(chunk, batch - c * chunk)));
    }

    /// <summary>
    /// Runs samples [start, start+count) through the graph. With <paramref name="all"/> every node writes into its
    /// slice of a full-batch array; otherwise intermediates are rented and returned once their last reader ran, and
    /// the output node writes straight into <paramref name="output"/>.
    /// </summary>
    private void RunChunk(float[] input, int start, int count, float[] output, float[][]? all)
    {
        int nodes = _layers.Length;
        var data = new Memory<float>[nodes];
        float[]?[] rented = all is null ? new float[]?[nodes] : [];
        int[] remaining = all is null ? (int[])_reads.Clone() : [];
        data[0] = input.AsMemory(start * _sizes[0], count * _sizes[0]);
        bool outputComputed = _storage[_outputIndex] == _outputIndex && _outputIndex != 0;
        try
        {
            for (int i = 1; i < nodes; i++)
            {
                int size = count * _sizes[i];
                Layer? layer = _layers[i];
                if (layer is null)
                {
                    data[i] = data[_storage[i]];
                    continue;
                }
                if (all is not null)
                {
                    data[i] = all[i].AsMemory(start * _sizes[i], size);
                }
                else if (i == _outputIndex)
                {
                    data[i] = output.AsMemory(start * _sizes[i], size);
                }
                else
                {
                    rented[i] = ArrayPool<float>.Shared.Rent(size);
                    data[i] = rented[i].AsMemory(0, size);
                }
                layer.Run(data, data[i].Span, count);
                if (all is not null) continue;
                foreach (int j in layer.Inputs)
                {
                    int s = _storage[j];
                    if (--remaining[s] == 0 && rented[s] is { } buffer && s != _storage[_outputIndex])
                    {
                        ArrayPool<float>.Shared.Return(buffer);
                        rented[s] = null;
                    }
                }
            }
            if (all is null && !outputComputed)
            {
                // The output is the input or an alias of an intermediate: copy it out.
                data[_outputIndex].Span.CopyTo(output.AsSpan(start * _sizes[_outputIndex], count * _sizes[_outputIndex]));
            }
        }
        finally
        {
            foreach (float[]? buffer in rented)
            {
                if (buffer is not null) ArrayPool<float>.Shared.Return(buffer);
            }
        }
    }
}

/// <summary>
/// Every node's output for one batch, from <see cref="AnnExecutor.ForwardAll"/>: batch × node size floats, batch-major,
/// NCHW. A Reshape or Identity node shares its input's array. Treat the arrays as read-only.
/// </summary>
public sealed class AnnActivations
{
    private readonly float[][] _data;

    internal AnnActivations(ModelGraph graph, int batch, float[][] data)
    {
        Graph = graph;
        Batch = batch;
        _data = data;
    }

    public ModelGraph Graph { get; }
    public int Batch { get; }

    /// <summary>The graph output, batch × output size.</summary>
    public float[] Output => _data[Graph.IndexOf(Graph.Output)];

    /// <summary>The output of <paramref name="node"/>, batch × node.OutputShape.Size.</summary>
    public float[] Of(Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        int i = Graph.IndexOf(node);
        if (i < 0) throw new ArgumentException($"node '{node.Name}' is not in graph '{Graph.Name}'", nameof(node));
        return _data[i];
    }
}
