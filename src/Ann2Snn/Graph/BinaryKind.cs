namespace Ann2Snn.Graph;

/// <summary>What <see cref="BinaryNode"/> computes from its two operands a and b, element by element.</summary>
public enum BinaryKind
{
    /// <summary>y = a + b.</summary>
    Add,

    /// <summary>y = a − b.</summary>
    Sub,

    /// <summary>y = a · b.</summary>
    Mul,

    /// <summary>y = a / b.</summary>
    Div,
}
