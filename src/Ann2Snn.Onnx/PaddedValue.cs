using Ann2Snn.Graph;

namespace Ann2Snn.Onnx;

/// <summary>
/// The output of a zero, spatial-only Pad that feeds a single Conv or pooling node, which absorbs the pads into its
/// own window. Padding is (top, left, bottom, right).
/// </summary>
internal sealed record PaddedValue(Node Source, int Top, int Left, int Bottom, int Right, string PadNode) : Value;
