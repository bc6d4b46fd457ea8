namespace Ann2Snn.Data;

/// <summary>Which part of a data set to read.</summary>
public enum DatasetSplit
{
    Test,
    Train,
}
