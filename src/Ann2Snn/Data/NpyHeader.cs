using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Ann2Snn.Data;

/// <summary>
/// The header of a NumPy <c>.npy</c> file: the magic <c>\x93NUMPY</c>, a format version (1.0, 2.0 or 3.0),
/// the length of the header text (2 bytes little-endian in 1.0, 4 bytes after), and the header text, a
/// Python dict literal such as <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (10, 28, 28), }</c>.
/// </summary>
internal sealed record NpyHeader(ElementType Type, long[] Dims, long Length)
{
    /// <summary>Longest header text we read (NumPy itself refuses more than 10,000 bytes by default).</summary>
    private const int MaxTextLength = 1 << 20;

    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    public long DataLength => Dims.Aggregate(1L, (a, d) => a * d) * Type.Size;

    /// <summary>
    /// Reads and checks the header from a stream holding <paramref name="storedLength"/> bytes (the file or
    /// the archive member); the stream is left at the first element. <paramref name="compressed"/> says the
    /// stored length is of compressed bytes, so only a plausibility bound applies.
    /// </summary>
    public static NpyHeader Read(Stream stream, string file, long storedLength, bool compressed)
    {
        Span<byte> prefix = stackalloc byte[8];
        DataIO.ReadExactly(stream, prefix, file, "NPY magic");
        if (!prefix[..6].SequenceEqual(Magic))
        {
            throw DataIO.Error(file, $"not an NPY file: it starts with {Convert.ToHexString(prefix[..6])}, "
                + "expected 934E554D5059 (\\x93NUMPY)");
        }
        int major = prefix[6];
        if (major is < 1 or > 3)
        {
            throw DataIO.Error(file, $"NPY format version {major}.{prefix[7]} is not supported; expected 1.0, 2.0 or 3.0");
        }
        Span<byte> lengthBytes = stackalloc byte[major == 1 ? 2 : 4];
        DataIO.ReadExactly(stream, lengthBytes, file, "NPY header length");
        long textLength = major == 1
            ? BinaryPrimitives.ReadUInt16LittleEndian(lengthBytes)
            : BinaryPrimitives.ReadUInt32LittleEndian(lengthBytes);
        long headerLength = 8 + lengthBytes.Length + textLength;
        if (textLength > MaxTextLength || (!compressed && headerLength > storedLength))
        {
            throw DataIO.Error(file, $"NPY header claims {textLength} bytes of text, "
                + $"more than the file holds or the limit of {MaxTextLength}");
        }
        byte[] textBytes = new byte[textLength];
        DataIO.ReadExactly(stream, textBytes, file, "NPY header");
        string text = major == 3 ? Encoding.UTF8.GetString(textBytes) : Encoding.Latin1.GetString(textBytes);

        var (descr, fortran, dims) = new DictParser(text, file).Parse();
        if (fortran)
        {
            throw DataIO.Error(file, "fortran_order is True; only C-order arrays are supported (save with np.ascontiguousarray)");
        }
        var header = new NpyHeader(ParseDescr(descr, file), dims, headerLength);
        DataIO.CheckDims(file, dims);
        DataIO.CheckClaimedLength(file, headerLength + header.DataLength, storedLength, compressed, $"{DataIO.Format(dims)} {descr}");
        return header;
    }

    private static ElementType ParseDescr(string descr, string file)
    {
        ElementKind? kind = descr.Length < 3 ? null : descr[1..] switch
        {
            "u1" or "b1" => ElementKind.UInt8,
            "i1" => ElementKind.Int8,
            "u2" => ElementKind.UInt16,
            "i2" => ElementKind.Int16,
            "u4" => ElementKind.UInt32,
            "i4" => ElementKind.Int32,
            "u8" => ElementKind.UInt64,
            "i8" => ElementKind.Int64,
            "f2" => ElementKind.Float16,
            "f4" => ElementKind.Float32,
            "f8" => ElementKind.Float64,
            _ => null,
        };
        char order = descr.Length > 0 ? descr[0] : '?';
        if (kind is null || order is not ('<' or '>' or '|' or '='))
        {
            throw DataIO.Error(file, $"dtype '{ThrowHelper.Printable(descr, 40)}' is not supported; "
                + "expected a number type such as <f4, <f8, |u1, <i4 or <i8");
        }
        return new ElementType(kind.Value, BigEndian: order == '>');
    }

    /// <summary>A parser of the one dict literal NumPy writes: string keys; string, bool or int-tuple values.</summary>
    private ref struct DictParser(string text, string file)
    {
        private int _pos;

        public (string Descr, bool Fortran, long[] Shape) Parse()
        {
            string? descr = null;
            bool? fortran = null;
            long[]? shape = null;
            Expect('{');
            while (!TryTake('}'))
            {
                string key = ParseString();
                Expect(':');
                switch (key)
                {
                    case "descr":
                        if (Peek() != '\'' && Peek() != '"')
                        {
                            throw Fail("descr is not a simple type string; structured dtypes are not supported");
                        }
                        descr = ParseString();
                        break;
                    case "fortran_order":
                        fortran = ParseBool();
                        break;
                    case "shape":
                        shape = ParseTuple();
                        break;
                    default:
                        throw Fail($"unexpected key '{ThrowHelper.Printable(key, 40)}'");
                }
                if (!TryTake(','))
                {
                    Expect('}');
                    break;
                }
            }
            if (descr is null || fortran is null || shape is null)
            {
                throw Fail("the header dict must have the keys 'descr', 'fortran_order' and 'shape'");
            }
            return (descr, fortran.Value, shape);
        }

        private string ParseString()
        {
            char quote = Peek();
            if (quote is not ('\'' or '"'))
            {
                throw Fail($"expected a string at offset {_pos}");
            }
            int end = text.IndexOf(quote, _pos + 1);
            if (end < 0)
            {
                throw Fail("unterminated string");
            }
            string s = text[(_pos + 1)..end];
            _pos = end + 1;
            return s;
        }

        private bool ParseBool()
        {
            SkipSpace();
            foreach ((string word, bool value) in new[] { ("True", true), ("False", false) })
            {
                if (string.CompareOrdinal(text, _pos, word, 0, word.Length) == 0)
                {
                    _pos += word.Length;
                    return value;
                }
            }
            throw Fail($"expected True or False at offset {_pos}");
        }

        private long[] ParseTuple()
        {
            Expect('(');
            var dims = new List<long>();
            while (!TryTake(')'))
            {
                SkipSpace();
                int start = _pos;
                while (_pos < text.Length && char.IsAsciiDigit(text[_pos]))
                {
                    _pos++;
                }
                if (_pos == start
                    || !long.TryParse(text.AsSpan(start, _pos - start), NumberStyles.None, CultureInfo.InvariantCulture, out long d))
                {
                    throw Fail($"expected a dimension (a non-negative integer) at offset {start}");
                }
                TryTake('L'); // Python 2 longs
                dims.Add(d);
                if (dims.Count > 32)
                {
                    throw Fail("shape has more than 32 dimensions");
                }
                if (!TryTake(','))
                {
                    Expect(')');
                    break;
                }
            }
            return [.. dims];
        }

        private void SkipSpace()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos]))
            {
                _pos++;
            }
        }

        private char Peek()
        {
            SkipSpace();
            return _pos < text.Length ? text[_pos] : '\0';
        }

        private bool TryTake(char c)
        {
            if (Peek() != c)
            {
                return false;
            }
            _pos++;
            return true;
        }

        private void Expect(char c)
        {
            if (!TryTake(c))
            {
                throw Fail($"expected '{c}' at offset {_pos}");
            }
        }

        private readonly InvalidDatasetException Fail(string problem) => DataIO.Error(file, $"malformed NPY header: {problem}");
    }
}
