namespace Ann2Snn.Graph;

/// <summary>Pooling kind of <see cref="Pool2dNode"/>.</summary>
public enum PoolKind
{
    Max,
    Average,
}
