using System.Collections.Frozen;
using Ann2Snn.Graph;
using Ann2Snn.Passes;
using Ann2Snn.Tensors;
using Onnx;

namespace Ann2Snn.Onnx;

/// <summary>
/// Turns one parsed <see cref="ModelProto"/> into a <see cref="ModelGraph"/>. Runs in two sweeps over the nodes in
/// topological order: the first folds everything computable from constants alone (Constant nodes, Identity aliases
/// of initializers, reshapes of constants), the second maps the remaining nodes onto IR nodes.
/// </summary>
internal sealed partial class GraphImporter
{
    /// <summary>Lowest and highest default-domain opset accepted; each node is then checked against its op's version table.</summary>
    public const int MinOpset = 7;
    public const int MaxOpset = 25;

    private const string Window = "auto_pad,ceil_mode,dilations,kernel_shape,pads,strides";
    private const string Reduction = "axes,keepdims,noop_with_empty_axes";
    private const string RecurrentAttributes = "activation_alpha,activation_beta,activations,clip,direction,hidden_size,layout";

    /// <summary>
    /// Each supported op: how it is imported, and the attributes it may carry in any of its versions (which of them a
    /// given version defines, and which versions we implement, is the version table of GraphImporter.Versions.cs).
    /// </summary>
    private static readonly FrozenDictionary<string, (Action<GraphImporter, OnnxNode> Import, string[] Attributes)> Ops =
        new Dictionary<string, (Action<GraphImporter, OnnxNode>, string)>
        {
            ["Add"] = (static (g, n) => g.Arithmetic(n), ""),
            ["ArgMax"] = (static (g, n) => g.ArgMax(n), "axis,keepdims,select_last_index"),
            ["AveragePool"] = (static (g, n) => g.Pool(n, PoolKind.Average), Window + ",count_include_pad"),
            ["BatchNormalization"] = (static (g, n) => g.BatchNormalization(n), "epsilon,momentum,spatial,training_mode"),
            ["Cast"] = (static (g, n) => g.CastTensor(n), "saturate,to"),
            ["Clip"] = (static (g, n) => g.Clip(n), "min,max"),
            ["Concat"] = (static (g, n) => g.Concat(n), "axis"),
            ["Constant"] = (static (g, n) => g.ConstantNode(n),
                "value,value_float,value_floats,value_int,value_ints,value_string,value_strings,sparse_value"),
            ["ConstantOfShape"] = (static (_, n) => ShapeArithmeticOfTensor(n), "value"),
            ["Conv"] = (static (g, n) => g.Conv(n), "auto_pad,dilations,group,kernel_shape,pads,strides"),
            ["ConvTranspose"] = (static (g, n) => g.ConvTranspose(n),
                "auto_pad,dilations,group,kernel_shape,output_padding,output_shape,pads,strides"),
            ["Div"] = (static (g, n) => g.Arithmetic(n), ""),
            ["Dropout"] = (static (g, n) => g.Dropout(n), "ratio,seed"),
            ["Equal"] = (static (_, n) => ShapeArithmeticOfTensor(n), ""),
            ["Erf"] = (static (g, n) => g.Activation(n, ActivationKind.Erf), ""),
            ["Elu"] = (static (g, n) => g.Activation(n, ActivationKind.Elu), "alpha"),
            ["Expand"] = (static (g, n) => g.ExpandTensor(n), ""),
            ["Flatten"] = (static (g, n) => g.Flatten(n), "axis"),
            ["Floor"] = (static (g, n) => g.Activation(n, ActivationKind.Floor), ""),
            ["Gather"] = (static (g, n) => g.GatherTensor(n), "axis"),
            ["GatherElements"] = (static (g, n) => g.GatherElementsTensor(n), "axis"),
            ["GatherND"] = (static (g, n) => g.GatherNdTensor(n), "batch_dims"),
            ["GRU"] = (static (g, n) => g.Recurrent(n, RecurrentCell.Gru), RecurrentAttributes + ",linear_before_reset"),
            ["Gelu"] = (static (g, n) => g.Gelu(n), "approximate"),
            ["Gemm"] = (static (g, n) => g.Gemm(n), "alpha,beta,transA,transB"),
            ["GlobalAveragePool"] = (static (g, n) => g.GlobalAveragePool(n), ""),
            ["GlobalMaxPool"] = (static (g, n) => g.GlobalMaxPool(n), ""),
            ["HardSigmoid"] = (static (g, n) => g.Activation(n, ActivationKind.HardSigmoid), "alpha,beta"),
            ["HardSwish"] = (static (g, n) => g.Activation(n, ActivationKind.HardSwish), ""),
            ["Identity"] = (static (g, n) => g.Identity(n), ""),
            ["LayerNormalization"] = (static (g, n) => g.LayerNormalization(n), "axis,epsilon,stash_type"),
            ["LeakyRelu"] = (static (g, n) => g.Activation(n, ActivationKind.LeakyRelu), "alpha"),
            ["LSTM"] = (static (g, n) => g.Recurrent(n, RecurrentCell.Lstm), RecurrentAttributes + ",input_forget"),
            ["LogSoftmax"] = (static (g, n) => g.Softmax(n, log: true), "axis"),
            ["MatMul"] = (static (g, n) => g.MatMul(n), ""),
            ["MaxPool"] = (static (g, n) => g.Pool(n, PoolKind.Max), Window + ",storage_order"),
            ["Mul"] = (static (g, n) => g.Arithmetic(n), ""),
            ["Pad"] = (static (g, n) => g.Pad(n), "mode,pads,value"),
            ["Pow"] = (static (g, n) => g.Pow(n), ""),
            ["PRelu"] = (static (g, n) => g.PRelu(n), ""),
            ["ReduceMean"] = (static (g, n) => g.Reduce(n, ReduceKind.Mean), Reduction),
            ["ReduceProd"] = (static (g, n) => g.Reduce(n, ReduceKind.Prod), Reduction),
            ["ReduceSum"] = (static (g, n) => g.Reduce(n, ReduceKind.Sum), Reduction),
            ["ReduceSumSquare"] = (static (g, n) => g.Reduce(n, ReduceKind.SumSquare), Reduction),
            ["Relu"] = (static (g, n) => g.Relu(n), ""),
            ["RNN"] = (static (g, n) => g.Recurrent(n, RecurrentCell.Rnn), RecurrentAttributes),
            ["Reshape"] = (static (g, n) => g.Reshape(n), "allowzero"),
            ["Shape"] = (static (_, n) => ShapeArithmeticOfTensor(n), "end,start"),
            ["Sigmoid"] = (static (g, n) => g.Activation(n, ActivationKind.Sigmoid), ""),
            ["Slice"] = (static (g, n) => g.SliceTensor(n), "axes,ends,starts"),
            ["Softmax"] = (static (g, n) => g.Softmax(n, log: false), "axis"),
            ["Split"] = (static (g, n) => g.SplitTensor(n), "axis,num_outputs,split"),
            ["Sqrt"] = (static (g, n) => g.Activation(n, ActivationKind.Sqrt), ""),
            ["Squeeze"] = (static (g, n) => g.Squeeze(n), "axes"),
            ["Sub"] = (static (g, n) => g.Arithmetic(n), ""),
            ["Tanh"] = (static (g, n) => g.Activation(n, ActivationKind.Tanh), ""),
            ["Transpose"] = (static (g, n) => g.Transpose(n), "perm"),
            ["Unsqueeze"] = (static (g, n) => g.Unsqueeze(n), "axes"),
            ["Where"] = (static (_, n) => ShapeArithmeticOfTensor(n), ""),
        }.ToFrozenDictionary(e => e.Key, e => (e.Value.Item1, e.Value.Item2.Split(',', StringSplitOptions.RemoveEmptyEntries)),
            StringComparer.Ordinal);

    /// <summary>The ONNX operators the importer maps, sorted, comma-separated.</summary>
    public static string SupportedOps { get; } = string.Join(", ", Ops.Keys.Order(StringComparer.Ordinal));

    private readonly string _file;
    private readonly OnnxImportOptions _options;
    private readonly ExternalData _external;
    private readonly Dictionary<string, Value> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<NodeProto>> _consumers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _graphOutputs = new(StringComparer.Ordinal);
    private readonly HashSet<NodeProto> _absorbed = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private int _opset;

    /// <summary>The graph input's batch dim when the file fixes it (0 when symbolic).</summary>
    private long _fixedBatch;

    private GraphImporter(string file, OnnxImportOptions options, ExternalData external)
    {
        _file = file;
        _options = options;
        _external = external;
    }

    /// <summary>Imports <paramref name="model"/>; tensors kept in external files are read through <paramref name="external"/>.</summary>
    public static ModelGraph Import(ModelProto model, string file, OnnxImportOptions options, ExternalData external) =>
        new GraphImporter(file, options, external).Run(model);

    private ModelGraph Run(ModelProto model)
    {
        GraphProto graph = model.Graph ?? ThrowHelper.InvalidModel<GraphProto>($"{_file}: not an ONNX model (it has no graph)");
        if (graph.Node.Count == 0) ThrowHelper.InvalidModel($"{_file}: not an ONNX model (its graph has no nodes)");
        _opset = ReadOpset(model);
        if (graph.SparseInitializer.Count > 0) ThrowHelper.InvalidModel($"{_file}: sparse initializers are not supported");
        HashSet<string> initializers = InitializerNames(graph);

        foreach (ValueInfoProto o in graph.Output) _graphOutputs.Add(o.Name);
        if (graph.Output.Count != 1)
        {
            ThrowHelper.InvalidModel($"{_file}: the graph has {graph.Output.Count} outputs ({NameList(graph.Output.Select(o => o.Name))}); "
                + "exactly one is supported");
        }

        // Every blocker the op table can see is reported before any weight is decoded or any shape inferred.
        List<NodeProto> nodes = LiveNodes(TopologicalOrder(graph, initializers), graph.Output[0].Name);
        ThrowIfBlocked(nodes);

        foreach (TensorProto t in graph.Initializer)
        {
            _values[t.Name] = new ConstantValue(TensorDecoder.Decode(t, t.Name, _file, _options.MaxTensorElements, _external));
        }
        InputNode input = ReadInput(graph, out string inputName);
        _values[inputName] = input.BatchAxis == 0 ? new TensorValue(input) : new MovedBatchValue(input, input.BatchAxis);

        foreach (NodeProto p in nodes)
        {
            foreach (string i in p.Input.Where(i => i.Length > 0))
            {
                if (!_consumers.TryGetValue(i, out List<NodeProto>? list)) _consumers[i] = list = [];
                list.Add(p);
            }
        }

        var folded = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        foreach (NodeProto p in nodes)
        {
            if (TryFoldConstants(p)) folded.Add(p);
        }
        foreach (NodeProto p in nodes)
        {
            // A fold that needed a runtime tensor's dims (Shape and what computes on it) happens now, in order.
            if (!folded.Contains(p) && !_absorbed.Contains(p) && !TryFoldConstants(p)) ImportNode(p);
        }

        string outputName = graph.Output[0].Name;
        Node output = _values.GetValueOrDefault(outputName) switch
        {
            TensorValue t => t.Node,
            MovedBatchValue m => ThrowHelper.Unsupported<Node>($"{_file}: graph output '{Text.Clean(outputName)}' has the batch at "
                + $"axis {m.BatchAxis}; only an output with the batch first ([N, …]) is supported"),
            null => ThrowHelper.InvalidModel<Node>($"{_file}: graph output '{Text.Clean(outputName)}' is not produced by any node"),
            _ => ThrowHelper.InvalidModel<Node>($"{_file}: graph output '{Text.Clean(outputName)}' is a constant; "
                + "it must depend on the input"),
        };
        string graphName = graph.Name.Length > 0 ? Text.Clean(graph.Name) : Path.GetFileNameWithoutExtension(_file);
        try
        {
            // Quantized-clip (QCFS) chains fold into one node; transposes that cancel or fold into Dense layers (NHWC
            // exports) go at once.
            return PassPipeline.Import.Run(new ModelGraph(input, output, graphName.Length > 0 ? graphName : "model"));
        }
        catch (InvalidModelException ex)
        {
            throw new InvalidModelException($"{_file}: {ex.Message}", ex);
        }
    }

    /// <summary>The initializers' names, each present and used once.</summary>
    private HashSet<string> InitializerNames(GraphProto graph)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (TensorProto t in graph.Initializer)
        {
            if (t.Name.Length == 0) ThrowHelper.InvalidModel($"{_file}: an initializer has no name");
            if (!names.Add(t.Name)) ThrowHelper.InvalidModel($"{_file}: two initializers are named '{Text.Clean(t.Name)}'");
        }
        return names;
    }

    private int ReadOpset(ModelProto model)
    {
        OperatorSetIdProto? set = model.OpsetImport.FirstOrDefault(o => o.Domain is "" or "ai.onnx");
        if (set is null)
        {
            ThrowHelper.InvalidModel(model.OpsetImport.Count == 0
                ? $"{_file}: the model imports no opset"
                : $"{_file}: the model imports no default-domain (ai.onnx) opset");
        }
        if (set.Version is < MinOpset or > MaxOpset)
        {
            ThrowHelper.Unsupported($"{_file}: opset {set.Version} is not supported; supported opsets: {MinOpset}–{MaxOpset}");
        }
        return (int)set.Version;
    }

    private InputNode ReadInput(GraphProto graph, out string inputName)
    {
        // Before IR version 4 the initializers were listed among the inputs too.
        var inputs = graph.Input.Where(i => !_values.ContainsKey(i.Name)).ToList();
        if (inputs.Count != 1)
        {
            // A second input read by the graph (an attention mask, token types): name the node it would feed.
            string readers = string.Join("", inputs.Skip(1).Select(i => graph.Node.FirstOrDefault(p => p.Input.Contains(i.Name)) is { } p
                ? $"; '{Text.Clean(i.Name)}' is read by node '{DisplayName(p)}' ({Text.Clean(p.OpType)})" : ""));
            ThrowHelper.InvalidModel($"{_file}: the graph has {inputs.Count} inputs ({NameList(inputs.Select(i => i.Name))}); "
                + $"exactly one is supported{readers}");
        }
        ValueInfoProto info = inputs[0];
        inputName = info.Name;
        string what = $"{_file}: input '{Text.Clean(info.Name)}'";
        if (info.Name.Length == 0) ThrowHelper.InvalidModel($"{_file}: the graph input has no name");
        TypeProto.Types.Tensor? tensor = info.Type?.TensorType;
        if (tensor is null) ThrowHelper.InvalidModel($"{what} is not a tensor");
        // A uint8 input is raw pixels that the model casts and scales itself: the graph computes on their values as floats.
        if (tensor.ElemType is not (1 or 2))
        {
            ThrowHelper.InvalidModel($"{what} has element type {TensorDecoder.DataTypeName(tensor.ElemType)}; "
                + "only FLOAT and UINT8 inputs are supported");
        }
        if (tensor.Shape is null) ThrowHelper.InvalidModel($"{what} has no shape; expected [N, C, H, W], [N, C, L] or [N, F]");
        var dims = tensor.Shape.Dim;
        if (dims.Count is not (2 or 3 or 4))
        {
            ThrowHelper.InvalidModel($"{what} has rank {dims.Count} ({DimsText(dims)}); expected [N, C, H, W], [N, C, L] or [N, F]");
        }
        // A sequence-first recurrent model reads [L, N, F] (L fixed): the batch is axis 1.
        int batchAxis = dims.Count == 3 && dims[0].HasDimValue && IsSequenceFirst(graph, info.Name) ? 1 : 0;
        TensorShapeProto.Types.Dimension batchDim = dims[batchAxis];
        _fixedBatch = batchDim.HasDimValue ? batchDim.DimValue : 0;
        if (batchDim.HasDimValue && batchDim.DimValue <= 0) ThrowHelper.InvalidModel($"{what} has batch dimension {batchDim.DimValue}");

        IReadOnlyList<int>? given = _options.InputShape;
        if (given is not null && given.Count != dims.Count - 1)
        {
            ThrowHelper.InvalidOption(nameof(OnnxImportOptions.InputShape),
                $"[{string.Join(", ", given)}] has rank {given.Count}, but {what} is {DimsText(dims)}");
        }
        var shape = new int[dims.Count - 1];
        for (int i = 0; i < dims.Count; i++)
        {
            if (i == batchAxis) continue;
            int at = i < batchAxis ? i : i - 1;
            TensorShapeProto.Types.Dimension d = dims[i];
            if (d.HasDimValue)
            {
                if (d.DimValue is <= 0 or > int.MaxValue) ThrowHelper.InvalidModel($"{what} has dimension {d.DimValue} at axis {i}");
                if (given is not null && given[at] != d.DimValue)
                {
                    ThrowHelper.InvalidOption(nameof(OnnxImportOptions.InputShape),
                        $"[{string.Join(", ", given)}] disagrees with {what} {DimsText(dims)} at axis {i}");
                }
                shape[at] = (int)d.DimValue;
            }
            else if (given is not null)
            {
                shape[at] = given[at];
            }
            else
            {
                ThrowHelper.Unsupported($"{what} has a dynamic dimension at axis {i} ({DimsText(dims)}); "
                    + "only the batch dimension may be dynamic "
                    + $"(or set {nameof(OnnxImportOptions)}.{nameof(OnnxImportOptions.InputShape)})");
            }
        }
        try
        {
            var node = new InputNode(Text.Clean(info.Name), new Shape(shape)) { TakesBytes = tensor.ElemType == 2, BatchAxis = batchAxis };
            _names.Add(node.Name);
            return node;
        }
        catch (InvalidModelException ex)
        {
            throw new InvalidModelException($"{what}: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Nodes ordered so each comes after the producers of its inputs (file order where that already holds); values not
    /// produced by a node must be <paramref name="initializers"/> or graph inputs.
    /// </summary>
    private List<NodeProto> TopologicalOrder(GraphProto graph, HashSet<string> initializers)
    {
        var given = new HashSet<string>(initializers, StringComparer.Ordinal);
        given.UnionWith(graph.Input.Select(i => i.Name));
        var producer = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int k = 0; k < graph.Node.Count; k++)
        {
            foreach (string o in graph.Node[k].Output.Where(o => o.Length > 0))
            {
                if (given.Contains(o) || !producer.TryAdd(o, k))
                {
                    ThrowHelper.InvalidModel($"{_file}: value '{Text.Clean(o)}' is produced more than once");
                }
            }
        }
        var waiting = new int[graph.Node.Count];
        var dependents = new List<int>?[graph.Node.Count];
        for (int k = 0; k < graph.Node.Count; k++)
        {
            foreach (string i in graph.Node[k].Input.Where(i => i.Length > 0).Distinct())
            {
                if (producer.TryGetValue(i, out int from))
                {
                    waiting[k]++;
                    (dependents[from] ??= []).Add(k);
                }
                else if (!given.Contains(i))
                {
                    ThrowHelper.InvalidModel($"{_file}: node '{DisplayName(graph.Node[k])}' ({Text.Clean(graph.Node[k].OpType)}) "
                        + $"reads '{Text.Clean(i)}', which no node, initializer or graph input provides");
                }
            }
        }
        var ready = new PriorityQueue<int, int>();
        for (int k = 0; k < waiting.Length; k++)
        {
            if (waiting[k] == 0) ready.Enqueue(k, k);
        }
        var order = new List<NodeProto>(graph.Node.Count);
        while (ready.TryDequeue(out int k, out _))
        {
            order.Add(graph.Node[k]);
            foreach (int d in dependents[k] ?? [])
            {
                if (--waiting[d] == 0) ready.Enqueue(d, d);
            }
        }
        if (order.Count != graph.Node.Count)
        {
            int stuck = Array.FindIndex(waiting, w => w > 0);
            ThrowHelper.InvalidModel($"{_file}: the graph has a cycle through node '{DisplayName(graph.Node[stuck])}'");
        }
        return order;
    }

    /// <summary>The nodes the graph output depends on, in the given order: dead branches are neither imported nor refused.</summary>
    private static List<NodeProto> LiveNodes(List<NodeProto> ordered, string output)
    {
        var needed = new HashSet<string>(StringComparer.Ordinal) { output };
        var live = new List<NodeProto>();
        for (int k = ordered.Count - 1; k >= 0; k--)
        {
            NodeProto p = ordered[k];
            if (!p.Output.Any(needed.Contains)) continue;
            live.Add(p);
            foreach (string i in p.Input) needed.Add(i);
        }
        live.Reverse();
        return live;
    }

    /// <summary>Maps one node onto the IR; <see cref="ThrowIfBlocked"/> has already vetted its op, version and attributes.</summary>
    private void ImportNode(NodeProto p)
    {
        OnnxNode n = Describe(p, unique: true);
        // A recurrent op may leave Y unnamed and give only its last state Y_h.
        if (p.Output.Count == 0 || (p.Output[0].Length == 0 && !(RecurrentOps.Contains(p.OpType) && p.Output.Any(o => o.Length > 0))))
        {
            n.Fail("has no output");
        }
        Ops[p.OpType].Import(this, n);
        for (int k = 0; k < p.Output.Count; k++)
        {
            string o = p.Output[k];
            if (o.Length > 0 && !_values.ContainsKey(o) && IsUsed(o))
            {
                n.Unsupported($"output {k} ('{Text.Clean(o)}') is used, but only the node's main output is supported");
            }
        }
    }

    private OnnxNode Describe(NodeProto p, bool unique)
    {
        string display = DisplayName(p);
        return new OnnxNode(p, unique ? UniqueName(display) : display, display, _opset, _file, _values);
    }

    private static string DisplayName(NodeProto p) =>
        Text.Clean(p.Name.Length > 0 ? p.Name : p.Output.FirstOrDefault(o => o.Length > 0) is { } o ? o : p.OpType);

    private string UniqueName(string name)
    {
        string candidate = name.Length > 0 ? name : "node";
        for (int k = 1; !_names.Add(candidate); k++) candidate = $"{name}_{k}";
        return candidate;
    }

    /// <summary>Binds output <paramref name="index"/> of the node to <paramref name="value"/>.</summary>
    private void SetOutput(OnnxNode n, Value value, int index = 0)
    {
        if (index >= n.Outputs.Count || n.Outputs[index].Length == 0) n.Fail($"has no output {index}");
        _values[n.Outputs[index]] = value;
    }

    private void SetOutput(OnnxNode n, Node node) => SetOutput(n, new TensorValue(node));

    /// <summary>True when some node or the graph output reads <paramref name="name"/>.</summary>
    private bool IsUsed(string name) => _graphOutputs.Contains(name) || _consumers.ContainsKey(name);

    /// <summary>The node reading <paramref name="name"/> when it is read exactly once, by one node, and is not the graph output.</summary>
    private NodeProto? SoleConsumer(string name) =>
        !_graphOutputs.Contains(name) && _consumers.TryGetValue(name, out var list) && list.Count == 1 ? list[0] : null;

    private static string NameList(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"'{Text.Clean(n)}'"));

    private static string DimsText(IEnumerable<TensorShapeProto.Types.Dimension> dims) =>
        "[" + string.Join(", ", dims.Select(d => d.HasDimValue ? d.DimValue.ToString() : d.HasDimParam ? Text.Clean(d.DimParam) : "?"))
            + "]";
}
