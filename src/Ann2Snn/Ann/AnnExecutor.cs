using System.Buffers;
using Ann2Snn.Graph;

namespace Ann2Snn.Ann;

/// <summary>
/// Runs a <see cref="ModelGraph"/> on a batch of samples (NCHW, batch-major): the reference the spiking network is
/// measured against and the source of calibration activations. Immutable once built; <see cref="Forward"/> and
/// <see cref="ForwardAll"/> may be called from several threads at once.
/// </summary>
/// <remarks>
/// The batch is cut into chunks; chunks run in parallel, each through the whole graph. Within a chunk the graph runs
/// in stages: a dense layer is one stage (one GEMM over the chunk); each run of other layers between dense layers is
/// a per-sample stage, executed one sample at a time through all its layers so a sample's feature maps stay in
/// cache. An intermediate read only inside its own per-sample stage lives in a one-sample buffer. Every sample's
/// arithmetic is the same whatever chunk it lands in and however the stages run, so results are bit-identical for
/// any degree of parallelism or chunk size, and between <see cref="Forward"/> and <see cref="ForwardAll"/>.
/// </remarks>
public sealed class AnnExecutor
{
    /// <summary>Largest automatic chunk: big enough for an efficient dense GEMM, small enough to stay in cache.</summary>
    private const int MaxAutoChunk = 16;

    private readonly Layer?[] _layers;    // per node index; null for the input and for aliases (Reshape, Identity)
    private readonly int[] _storage;      // per node index: the node whose buffer holds its data (itself unless an alias)
    private readonly int[] _sizes;        // per node index: per-sample element count
    private readonly Stage[] _stages;
    private readonly int[] _lastStage;    // per storage node: the last stage that reads it (−1: none)
    private readonly bool[] _perSample;   // per storage node: read only inside its own per-sample stage (Forward keeps one sample)
    private readonly int _outputIndex;
    private readonly int _workers;
    private readonly int _chunk;

    /// <summary>A run of computing nodes executed together: per sample, or once over the whole chunk.</summary>
    private sealed record Stage(int[] Nodes, bool PerSample);

    public AnnExecutor(ModelGraph graph, AnnExecutorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        options ??= new AnnExecutorOptions();
        if (options.MaxDegreeOfParallelism < 0)
        {
            ThrowHelper.InvalidOption(nameof(AnnExecutorOptions.MaxDegreeOfParallelism),
                $"{options.MaxDegreeOfParallelism} is negative; use 0 for one worker per processor");
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
        _sizes = new int[count];
        _lastStage = new int[count];
        _perSample = new bool[count];
        var stageOf = new int[count];
        var stages = new List<(List<int> Nodes, bool PerSample)>();
        for (int i = 0; i < count; i++)
        {
            Node node = graph.Nodes[i];
            _sizes[i] = node.OutputShape.Size;
            _lastStage[i] = -1;
            if (node is InputNode or ReshapeNode or IdentityNode)
            {
                _storage[i] = i == 0 ? 0 : _storage[graph.IndexOf(node.Inputs[0])];
                continue;
            }
            _storage[i] = i;
            int[] inputs = node.Inputs.Select(n => _storage[graph.IndexOf(n)]).ToArray();
            _layers[i] = Layer.Create(node, inputs);
            bool perSample = node is not DenseNode;
            if (stages.Count == 0 || !perSample || !stages[^1].PerSample) stages.Add(([], perSample));
            stages[^1].Nodes.Add(i);
            stageOf[i] = stages.Count - 1;
            foreach (int j in inputs) _lastStage[j] = Math.Max(_lastStage[j], stages.Count - 1);
        }
        _stages = stages.Select(s => new Stage([.. s.Nodes], s.PerSample)).ToArray();
        _outputIndex = graph.IndexOf(graph.Output);
        for (int i = 1; i < count; i++)
        {
            // Read only by later nodes of its own per-sample stage (and not the graph output, which the caller keeps).
            _perSample[i] = _layers[i] is not null && _stages[stageOf[i]].PerSample
                && _lastStage[i] == stageOf[i] && i != _storage[_outputIndex];
        }
    }

    public ModelGraph Graph { get; }
    public AnnExecutorOptions Options { get; }

    /// <summary>The layer computing node <paramref name="index"/>, or null for the input and for aliases.</summary>
    internal Layer? LayerAt(int index) => _layers[index];

    /// <summary>The node whose buffer holds node <paramref name="index"/>'s data (itself unless an alias).</summary>
    internal int StorageOf(int index) => _storage[index];

    /// <summary>Per-sample input size (elements).</summary>
    public int InputSize => Graph.Input.OutputShape.Size;

    /// <summary>Per-sample output size (elements).</summary>
    public int OutputSize => Graph.Output.OutputShape.Size;

    /// <summary>
    /// Runs <paramref name="batch"/> samples (batch × <see cref="InputSize"/> floats) and returns batch × <see cref="OutputSize"/>
    /// outputs.
    /// </summary>
    public float[] Forward(ReadOnlySpan<float> input, int batch)
    {
        CheckInput(input, batch);
        var output = new float[batch * OutputSize];
        float[] x = ArrayPool<float>.Shared.Rent(Math.Max(1, input.Length));
        input.CopyTo(x);
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

    /// <summary>
    /// As <see cref="ForwardAll"/>, into arrays kept by the caller (reused across calls): <paramref name="all"/>[i] holds at least
    /// batch × node size floats for every storage node (aliases share their storage's array), all[0] the input already.
    /// </summary>
    internal void ForwardAllInto(int batch, float[][] all) =>
        Run(batch, (start, count) => RunChunk(all[0], start, count, all[_outputIndex], all));

    /// <summary>Per-sample element count of each node, in the graph's order.</summary>
    internal int SizeOf(int index) => _sizes[index];

    private void CheckInput(ReadOnlySpan<float> input, int batch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        long expected = (long)batch * InputSize;
        if (input.Length != expected)
        {
            throw new ArgumentException(
                $"graph '{Graph.Name}': input has {input.Length} values, expected batch {batch} × {InputSize} "
                + $"({Graph.Input.Name} {Graph.Input.OutputShape}) = {expected}",
                nameof(input));
        }
        if ((long)batch * _sizes.Max() > Array.MaxLength)
        {
            throw new ArgumentException($"graph '{Graph.Name}': a batch of {batch} is too large for one call; split it", nameof(batch));
        }
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
    /// slice of a full-batch array. Otherwise the output node writes straight into <paramref name="output"/>, other
    /// chunk buffers are rented and returned after the last stage that reads them, and per-sample intermediates use
    /// one-sample buffers rented for their stage.
    /// </summary>
    private void RunChunk(float[] input, int start, int count, float[] output, float[][]? all)
    {
        int nodes = _layers.Length;
        var chunkData = new Memory<float>[nodes];  // per storage node: its count samples (unless per-sample)
        var view = new Memory<float>[nodes];       // per storage node: what the running layer reads
        var rented = new float[]?[nodes];
        chunkData[0] = input.AsMemory(start * _sizes[0], count * _sizes[0]);
        try
        {
            for (int s = 0; s < _stages.Length; s++)
            {
                Stage stage = _stages[s];
                foreach (int i in stage.Nodes)
                {
                    int size = _sizes[i];
                    if (all is not null) chunkData[i] = all[i].AsMemory(start * size, count * size);
                    else if (i == _storage[_outputIndex]) chunkData[i] = output.AsMemory(start * size, count * size);
                    else
                    {
                        int length = _perSample[i] ? size : count * size;
                        rented[i] = ArrayPool<float>.Shared.Rent(length);
                        chunkData[i] = rented[i].AsMemory(0, length);
                    }
                }
                if (stage.PerSample)
                {
                    for (int t = 0; t < count; t++)
                    {
                        foreach (int i in stage.Nodes)
                        {
                            Layer layer = _layers[i]!;
                            foreach (int j in layer.Inputs) view[j] = SampleOf(j, t, chunkData, all is null);
                            layer.Run(view, SampleOf(i, t, chunkData, all is null).Span, 1);
                        }
                    }
                }
                else
                {
                    foreach (int i in stage.Nodes)
                    {
                        Layer layer = _layers[i]!;
                        foreach (int j in layer.Inputs) view[j] = chunkData[j];
                        layer.Run(view, chunkData[i].Span, count);
                    }
                }
                if (all is null) Release(s, rented);
            }
            if (all is null && _storage[_outputIndex] == 0)
            {
                // The output is the input itself (or a reshape of it): copy it out. A computed output (or its
                // storage, when the output is a reshape) was written straight into the output array.
                int size = _sizes[0];
                chunkData[0].Span.CopyTo(output.AsSpan(start * size, count * size));
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

    /// <summary>Sample t of a storage node: its one-sample buffer, or its slice of the chunk data.</summary>
    private Memory<float> SampleOf(int node, int t, Memory<float>[] chunkData, bool frugal) =>
        frugal && _perSample[node] ? chunkData[node] : chunkData[node].Slice(t * _sizes[node], _sizes[node]);

    /// <summary>After stage s: returns the buffers no later stage reads (the graph output's storage stays).</summary>
    private void Release(int s, float[]?[] rented)
    {
        for (int i = 0; i < rented.Length; i++)
        {
            if (rented[i] is { } buffer && _lastStage[i] <= s && i != _storage[_outputIndex])
            {
                ArrayPool<float>.Shared.Return(buffer);
                rented[i] = null;
            }
        }
    }
}
