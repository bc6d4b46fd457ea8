namespace Ann2Snn.Onnx;

/// <summary>What an ONNX value name stands for while importing.</summary>
internal abstract record Value;
