using Ann2Snn.Graph;

namespace Ann2Snn.Passes;

/// <summary>Passes applied in a fixed order until none changes the graph.</summary>
public sealed class PassPipeline(string name, params IGraphPass[] passes)
{
    public string Name { get; } = name;
    public IReadOnlyList<IGraphPass> Passes { get; } = passes;

    /// <summary>
    /// The standard clean-up before conversion: drop pass-throughs, cancel and fold transposes, fold BatchNorm and input
    /// scaling, turn stride-1 ConvTranspose into Conv, drop what the argmax readout makes redundant (a final softmax,
    /// strictly increasing activation or argmax), take a transpose of the input as the input layout.
    /// </summary>
    public static PassPipeline Standard { get; } = new("standard",
        new DropIdentityPass(), new CancelTransposesPass(), new FoldTransposeIntoDensePass(), new FoldBatchNormPass(),
        new FoldInputScalingPass(), new ConvTransposeToConvPass(), new ArgmaxReadoutPass(), new AbsorbInputTransposePass());

    /// <summary>
    /// Rewrites that keep every output value (up to float rounding): for fast ANN inference, like ONNX Runtime's graph optimizations.
    /// </summary>
    public static PassPipeline Inference { get; } = new("inference",
        new DropIdentityPass(), new CancelTransposesPass(), new FoldTransposeIntoDensePass(), new FoldBatchNormPass(),
        new FoldInputScalingPass());

    /// <summary>
    /// The data-layout clean-up the ONNX importer applies: transposes that cancel (an NHWC model's pairs around
    /// element-wise ops) disappear, and one flattened into Dense layers folds into their weights.
    /// </summary>
    public static PassPipeline Layout { get; } = new("layout", new CancelTransposesPass(), new FoldTransposeIntoDensePass());

    /// <summary>
    /// What the ONNX importer applies to every graph it builds: the chains quantization-aware training exports around a
    /// Floor become one quantized clip (<see cref="FoldQuantizedClipPass"/>), LayerNorm and GELU written out op by op
    /// become one node each (<see cref="FoldLayerNormPass"/>, <see cref="FoldGeluPass"/>), then the <see cref="Layout"/>
    /// clean-up.
    /// </summary>
    public static PassPipeline Import { get; } = new("import",
        new FoldQuantizedClipPass(), new FoldLayerNormPass(), new FoldGeluPass(), new CancelTransposesPass(),
        new FoldTransposeIntoDensePass());

    /// <summary>Runs the pipeline and drops the log.</summary>
    public ModelGraph Run(ModelGraph graph) => Run(graph, out _);

    /// <summary>Runs the pipeline; <paramref name="applied"/> lists the passes that changed something, in order.</summary>
    public ModelGraph Run(ModelGraph graph, out IReadOnlyList<string> applied)
    {
        var log = new List<string>();
        for (int round = 0; round < 8; round++)
        {
            bool changed = false;
            foreach (IGraphPass pass in Passes)
            {
                ModelGraph next = pass.Run(graph);
                if (!ReferenceEquals(next, graph))
                {
                    log.Add(pass.Name);
                    graph = next;
                    changed = true;
                }
            }
            if (!changed) break;
        }
        applied = log;
        return graph;
    }
}
