namespace Ann2Snn.Onnx;

/// <summary>A constant known at import time.</summary>
internal sealed record ConstantValue(ConstTensor Tensor) : Value;
