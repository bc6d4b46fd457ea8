namespace Ann2Snn.Data;

/// <summary>Storage type of the elements of an IDX or NPY array.</summary>
internal enum ElementKind
{
    UInt8,
    Int8,
    UInt16,
    Int16,
    UInt32,
    Int32,
    UInt64,
    Int64,
    Float16,
    Float32,
    Float64,
}
