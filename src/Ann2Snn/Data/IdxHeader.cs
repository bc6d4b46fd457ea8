using System.Buffers.Binary;

namespace Ann2Snn.Data;

/// <summary>
/// The header of an IDX file (the MNIST format): magic <c>00 00 TT RR</c> with element type <c>TT</c>
/// (08 ubyte, 09 sbyte, 0B short, 0C int, 0D float, 0E double) and rank <c>RR</c>, then <c>RR</c> big-endian
/// 32-bit dimensions, then the elements, big-endian, in row-major order.
/// </summary>
internal sealed record IdxHeader(ElementType Type, long[] Dims, int Length, bool Compressed)
{
    private const int MaxRank = 8;

    /// <summary>Reads and checks the header; the stream is left at the first element.</summary>
    public static IdxHeader Read(Stream stream, string file, bool compressed, long fileLength)
    {
        Span<byte> magic = stackalloc byte[4];
        DataIO.ReadExactly(stream, magic, file, "IDX magic number");
        uint value = BinaryPrimitives.ReadUInt32BigEndian(magic);
        ElementKind? kind = magic[2] switch
        {
            0x08 => ElementKind.UInt8,
            0x09 => ElementKind.Int8,
            0x0B => ElementKind.Int16,
            0x0C => ElementKind.Int32,
            0x0D => ElementKind.Float32,
            0x0E => ElementKind.Float64,
            _ => null,
        };
        if (magic[0] != 0 || magic[1] != 0 || kind is null)
        {
            throw DataIO.Error(file, $"not an IDX file: magic number 0x{value:X8}; expected 0x00000803 (images), 0x00000801 (labels) "
                + "or another 0x0000TTRR with type TT in 08, 09, 0B, 0C, 0D, 0E");
        }
        int rank = magic[3];
        if (rank is 0 or > MaxRank)
        {
            throw DataIO.Error(file, $"IDX magic number 0x{value:X8} gives rank {rank}; expected 1 to {MaxRank}");
        }
        byte[] dimBytes = new byte[4 * rank];
        DataIO.ReadExactly(stream, dimBytes, file, $"IDX header ({rank} dimensions)");
        long[] dims = new long[rank];
        for (int i = 0; i < rank; i++)
        {
            dims[i] = BinaryPrimitives.ReadUInt32BigEndian(dimBytes.AsSpan(4 * i));
        }
        var header = new IdxHeader(new ElementType(kind.Value, BigEndian: true), dims, 4 + (4 * rank), compressed);
        DataIO.CheckDims(file, dims);
        long claimed = header.Length + (dims.Aggregate(1L, (a, d) => a * d) * header.Type.Size);
        DataIO.CheckClaimedLength(file, claimed, fileLength, compressed, $"{DataIO.Format(dims)} {header.Type}");
        return header;
    }
}
