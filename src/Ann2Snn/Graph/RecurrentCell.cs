namespace Ann2Snn.Graph;

/// <summary>The cell of a <see cref="RecurrentNode"/> (ONNX's RNN, LSTM and GRU ops), with its gates in ONNX's order.</summary>
public enum RecurrentCell
{
    /// <summary>Hₜ = f(Xₜ·Wᵀ + Hₜ₋₁·Rᵀ + Wb + Rb): one gate.</summary>
    Rnn,

    /// <summary>Long short-term memory: gates i, o, f, c (input, output, forget, cell) and a cell state Cₜ beside Hₜ.</summary>
    Lstm,

    /// <summary>Gated recurrent unit: gates z, r, h (update, reset, hidden).</summary>
    Gru,
}
