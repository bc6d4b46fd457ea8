namespace Ann2Snn.Onnx;
