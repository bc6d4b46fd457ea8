using Ann2Snn.Tensors;

namespace Ann2Snn.Graph;

/// <summary>Softmax (or log-softmax) over a vector: only meaningful at the output, where it becomes an argmax readout.</summary>
public sealed class SoftmaxNode : Node
{
    public SoftmaxNode(string name, Node input, bool log) : base(name, [input])
    {
        OutputShape = Single(name, log ? "LogSoftmax" : "Softmax", Inputs);
        Log = log;
    }

    public bool Log { get; }
    public override Shape OutputShape { get; }
    public override string Op => Log ? "LogSoftmax" : "Softmax";
}
