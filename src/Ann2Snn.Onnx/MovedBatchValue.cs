using Ann2Snn.Graph;

namespace Ann2Snn.Onnx;

/// <summary>
/// A runtime tensor whose ONNX batch axis is <see cref="BatchAxis"/> (≥ 1) rather than 0: a sequence-first [L, N, F]
/// input, or an RNN's outputs in layout 0 (Y [L, D, N, H], Y_h [D, N, H]). The node's per-sample shape is the ONNX
/// shape without that axis. Only Transpose, Squeeze, Gather, Shape and the recurrent ops read it; the rest refuse it.
/// </summary>
internal sealed record MovedBatchValue(Node Node, int BatchAxis) : Value;
