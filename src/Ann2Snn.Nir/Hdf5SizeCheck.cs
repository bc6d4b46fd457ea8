using System.Buffers.Binary;

namespace Ann2Snn.Nir;

/// <summary>
/// Finds the lengths in an HDF5 file that PureHDF would allocate by before it reads what they describe, and refuses those
/// that cannot be true: a damaged or lying file must not cost a huge allocation. It walks every object header reachable from
/// the superblock (version 0–3 superblocks, version 1 and 2 object headers, continuation blocks, symbol-table groups with their
/// B-trees, symbol nodes and local heaps, and link messages) and checks, in each header message, that the lengths inside it
/// (a fill value's size, a link's name, an attribute's name, type, space and data, compact data) stay inside the message; that
/// a local heap's data segment and every stored chunk (version-1 chunk B-tree entries, a filtered single chunk) lie inside the
/// file; and that a global heap object is no larger than its collection. Only what it recognises is checked; whatever it does
/// not (dense link storage, other chunk indexes) is left to the reader, whose own checks in <see cref="NirFile"/> apply.
/// Layouts follow the HDF5 File Format Specification 3.0 (sections II–IV); offsets and lengths are 8 bytes, as every NIR
/// writer stores them (a file with other sizes is not checked here).
/// </summary>
internal sealed class Hdf5SizeCheck
{
    private const ulong Undefined = ulong.MaxValue;
    private const int MaxObjects = 1 << 16;

    private readonly byte[] _bytes;
    private readonly ulong _base;
    private readonly HashSet<ulong> _seen = [];
    private readonly Queue<ulong> _headers = new();

    private Hdf5SizeCheck(byte[] bytes, ulong baseAddress)
    {
        _bytes = bytes;
        _base = baseAddress;
    }

    /// <summary>Why the file cannot be true, naming the structure and its byte offset; null when nothing was found.</summary>
    public static string? Find(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (GlobalHeap(bytes) is { } heap) return heap;
        ReadOnlySpan<byte> signature = [0x89, (byte)'H', (byte)'D', (byte)'F', 0x0d, 0x0a, 0x1a, 0x0a];
        if (bytes.Length < 64 || !bytes.AsSpan(0, 8).SequenceEqual(signature)) return null;
        try
        {
            return Superblock(bytes);
        }
        catch (Corrupt e)
        {
            return e.Message;
        }
    }

    private static string? Superblock(byte[] bytes)
    {
        byte version = bytes[8];
        ulong root;
        Hdf5SizeCheck check;
        if (version is 0 or 1)
        {
            if (bytes[13] != 8 || bytes[14] != 8) return null;
            int at = version == 0 ? 24 : 28;
            check = new Hdf5SizeCheck(bytes, U64(bytes, at));
            // Base, free-space, end-of-file and driver addresses, then the root group's symbol table entry.
            int entry = at + 32;
            if (entry + 40 > bytes.Length) return null;
            root = U64(bytes, entry + 8);
            if (U32(bytes, entry + 16) == 1) check.SymbolTable(U64(bytes, entry + 24), U64(bytes, entry + 32), entry);
        }
        else if (version is 2 or 3)
        {
            if (bytes[9] != 8 || bytes[10] != 8) return null;
            check = new Hdf5SizeCheck(bytes, U64(bytes, 12));
            root = U64(bytes, 36);
        }
        else
        {
            return null;
        }
        check.Enqueue(root, 0);
        return check.Walk();
    }

    private string? Walk()
    {
        while (_headers.TryDequeue(out ulong address)) ObjectHeader(address);
        return null;
    }

    private void Enqueue(ulong address, long from)
    {
        if (address == Undefined) return;
        Need(address, 16, $"an object address at byte {from}");
        if (_seen.Count >= MaxObjects) throw new Corrupt($"over {MaxObjects:N0} objects reachable; the file is corrupt");
        if (_seen.Add(address)) _headers.Enqueue(address);
    }

    private void ObjectHeader(ulong address)
    {
        int at = Offset(address);
        if (Matches(at, "OHDR"u8))
        {
            ObjectHeader2(at);
            return;
        }
        if (_bytes[at] != 1) throw new Corrupt($"object header at byte {at}: version {_bytes[at]}, expected 1 or 2");
        ulong size = U32(_bytes, at + 8);
        Messages(at + 16, size, version: 1, creationOrder: false);
    }

    private void ObjectHeader2(int at)
    {
        byte flags = _bytes[at + 5];
        int p = at + 6 + ((flags & 0x20) != 0 ? 16 : 0) + ((flags & 0x10) != 0 ? 4 : 0);
        Need(p, (ulong)(1 << (flags & 3)), "object header");
        ulong size = (flags & 3) switch
        {
            0 => _bytes[p],
            1 => BinaryPrimitives.ReadUInt16LittleEndian(_bytes.AsSpan(p)),
            2 => U32(_bytes, p),
            _ => U64(_bytes, p),
        };
        Messages(p + (1 << (flags & 3)), size, version: 2, creationOrder: (flags & 0x04) != 0);
    }

    /// <summary>Walks the messages of one header block of <paramref name="size"/> bytes at <paramref name="at"/>.</summary>
    private void Messages(int at, ulong size, int version, bool creationOrder)
    {
        Need(at, size, $"object header messages at byte {at}");
        int prefix = version == 1 ? 8 : 4 + (creationOrder ? 2 : 0);
        long end = at + (long)size;
        for (long p = at; p + prefix <= end;)
        {
            int type = version == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(_bytes.AsSpan((int)p)) : _bytes[p];
            int length = BinaryPrimitives.ReadUInt16LittleEndian(_bytes.AsSpan((int)p + (version == 1 ? 2 : 1)));
            int data = (int)p + prefix;
            if (data + length > end) throw new Corrupt($"header message at byte {p}: {length:N0} bytes run past its header");
            byte flags = _bytes[(int)p + (version == 1 ? 4 : 3)];
            // A shared message (flag bit 1) holds a reference to the message elsewhere, not the message.
            if ((flags & 0x02) == 0) Message(type, data, length, version);
            p = data + length;
        }
    }

    private void Message(int type, int at, int length, int headerVersion)
    {
        var m = new Span(_bytes, at, length);
        switch (type)
        {
            case 0x04:
                m.Within(4 + (long)m.U32(0), "the old fill value message");
                break;
            case 0x05:
                FillValue(m);
                break;
            case 0x06:
                Link(m);
                break;
            case 0x08:
                Layout(m);
                break;
            case 0x0C:
                Attribute(m);
                break;
            case 0x10:
                {
                    ulong block = m.U64(0), blockLength = m.U64(8);
                    int start = Offset(block);
                    if (headerVersion == 2)
                    {
                        if (!Matches(start, "OCHK"u8)) throw new Corrupt($"continuation block at byte {start} has no OCHK signature");
                        Messages(start + 4, blockLength < 8 ? 0 : blockLength - 8, 2, creationOrder: false);
                    }
                    else
                    {
                        Messages(start, blockLength, 1, creationOrder: false);
                    }
                    break;
                }
            case 0x11:
                SymbolTable(m.U64(0), m.U64(8), at);
                break;
        }
    }

    private static void FillValue(Span m)
    {
        byte version = m.Byte(0);
        bool defined = version switch
        {
            1 or 2 => m.Byte(3) == 1,
            3 => (m.Byte(1) & 0x30) == 0x20,
            _ => false,
        };
        if (!defined) return;
        int at = version == 3 ? 2 : 4;
        m.Within(at + 4 + (long)m.U32(at), "the fill value message");
    }

    private void Link(Span m)
    {
        byte flags = m.Byte(1);
        int p = 2;
        byte linkType = 0;
        if ((flags & 0x08) != 0) linkType = m.Byte(p++);
        if ((flags & 0x04) != 0) p += 8;
        if ((flags & 0x10) != 0) p++;
        int width = 1 << (flags & 3);
        ulong nameLength = width switch { 1 => m.Byte(p), 2 => m.U16(p), 4 => m.U32(p), _ => m.U64(p) };
        p += width;
        m.Within(p + (long)Math.Min(nameLength, int.MaxValue), "the link message's name");
        p += (int)nameLength;
        if (linkType == 0) Enqueue(m.U64(p), m.Start);
        else if (linkType == 1) m.Within(p + 2 + m.U16(p), "the soft link's path");
    }

    private void Layout(Span m)
    {
        byte version = m.Byte(0);
        if (version is 1 or 2)
        {
            int rank = m.Byte(1);
            byte kind = m.Byte(2);
            int p = 8 + (kind == 0 ? 0 : 8) + 4 * rank;
            if (kind == 2) ChunkTree(m.U64(8), rank, m.Start);
            if (kind == 0) m.Within(p + 4 + (long)m.U32(p), "the compact layout's data");
            return;
        }
        byte layoutClass = m.Byte(1);
        if (version == 3 && layoutClass == 0) m.Within(4 + (long)m.U16(2), "the compact layout's data");
        if (version == 3 && layoutClass == 2) ChunkTree(m.U64(3), m.Byte(2), m.Start);
        if (version == 4 && layoutClass == 0) m.Within(4 + (long)m.U16(2), "the compact layout's data");
        if (version == 4 && layoutClass == 2) SingleChunk(m);
    }

    /// <summary>A version-4 chunked layout indexed as one chunk: a filtered chunk's stored size must lie inside the file.</summary>
    private void SingleChunk(Span m)
    {
        byte flags = m.Byte(2);
        int rank = m.Byte(3), width = m.Byte(4);
        int p = 5 + rank * width;
        if (m.Byte(p) != 1 || (flags & 0x02) == 0) return;
        ulong stored = m.U64(p + 1);
        ulong address = m.U64(p + 13);
        if (address != Undefined) Need(address, stored, $"the single chunk of the layout at byte {m.Start}");
    }

    /// <summary>A version-1 B-tree of chunks ("TREE", node type 1): each stored chunk's size must lie inside the file.</summary>
    private void ChunkTree(ulong address, int rank, long from, int depth = 0)
    {
        if (address == Undefined) return;
        if (depth > 64) throw new Corrupt($"chunk B-tree from byte {from} deeper than 64 levels");
        int at = Offset(address);
        Need(address, 24, $"the chunk B-tree at byte {at}");
        if (!Matches(at, "TREE"u8) || _bytes[at + 4] != 1) throw new Corrupt($"chunk B-tree at byte {at}: not a chunk TREE node");
        if (!_seen.Add(address)) return;
        int level = _bytes[at + 5], entries = BinaryPrimitives.ReadUInt16LittleEndian(_bytes.AsSpan(at + 6));
        int key = 8 + 8 * rank;
        Need(address + 24, (ulong)entries * (ulong)(key + 8) + (ulong)key, $"the chunk B-tree at byte {at}");
        for (int i = 0; i < entries; i++)
        {
            int k = at + 24 + i * (key + 8);
            ulong child = U64(_bytes, k + key);
            if (level > 0) ChunkTree(child, rank, at, depth + 1);
            else Need(child, U32(_bytes, k), $"a chunk indexed at byte {k}");
        }
    }

    /// <summary>An old-style group: its B-tree of symbol nodes ("TREE" type 0, "SNOD") and its local heap ("HEAP").</summary>
    private void SymbolTable(ulong tree, ulong heap, long from)
    {
        int h = Offset(heap);
        Need(heap, 32, $"the local heap of the group at byte {from}");
        if (!Matches(h, "HEAP"u8)) throw new Corrupt($"local heap at byte {h} has no HEAP signature");
        Need(U64(_bytes, h + 24), U64(_bytes, h + 8), $"the data segment of the local heap at byte {h}");
        GroupTree(tree, from, 0);
    }

    private void GroupTree(ulong address, long from, int depth)
    {
        if (depth > 64) throw new Corrupt($"group B-tree from byte {from} deeper than 64 levels");
        int at = Offset(address);
        Need(address, 24, $"the group B-tree at byte {at}");
        if (!Matches(at, "TREE"u8) || _bytes[at + 4] != 0) throw new Corrupt($"group B-tree at byte {at}: not a group TREE node");
        if (!_seen.Add(address)) return;
        int level = _bytes[at + 5], entries = BinaryPrimitives.ReadUInt16LittleEndian(_bytes.AsSpan(at + 6));
        Need(address + 24, (ulong)entries * 16 + 8, $"the group B-tree at byte {at}");
        for (int i = 0; i < entries; i++)
        {
            ulong child = U64(_bytes, at + 24 + i * 16 + 8);
            if (level > 0)
            {
                GroupTree(child, at, depth + 1);
                continue;
            }
            int s = Offset(child);
            Need(child, 8, $"the symbol node at byte {s}");
            if (!Matches(s, "SNOD"u8)) throw new Corrupt($"symbol node at byte {s} has no SNOD signature");
            int symbols = BinaryPrimitives.ReadUInt16LittleEndian(_bytes.AsSpan(s + 6));
            Need(child + 8, (ulong)symbols * 40, $"the symbol node at byte {s}");
            for (int j = 0; j < symbols; j++) Enqueue(U64(_bytes, s + 8 + 40 * j + 8), s);
        }
    }

    private void Attribute(Span m)
    {
        byte version = m.Byte(0);
        int nameSize = m.U16(2), typeSize = m.U16(4), spaceSize = m.U16(6);
        int p = version == 3 ? 9 : 8;
        int Padded(int n) => version == 1 ? (n + 7) / 8 * 8 : n;
        int type = p + Padded(nameSize), space = type + Padded(typeSize), data = space + Padded(spaceSize);
        m.Within(data, "the attribute message's name, type and space");
        // The datatype's element size sits at bytes 4–7 of its message; the dataspace gives the rank and the dimensions.
        ulong element = typeSize >= 8 ? m.U32(type + 4) : 0;
        int rank = spaceSize >= 2 ? m.Byte(space + 1) : 0;
        byte spaceVersion = m.Byte(space);
        int dims = space + (spaceVersion == 1 ? 8 : 4);
        if (spaceVersion == 2 && m.Byte(space + 3) != 1) rank = 0;
        m.Within(dims + 8L * rank, "the attribute's dataspace");
        UInt128 bytes = element;
        for (int i = 0; i < rank && bytes <= (UInt128)m.Length; i++) bytes *= m.U64(dims + 8 * i);
        if (bytes > (UInt128)(m.Length - data)) throw new Corrupt($"attribute message at byte {m.Start}: {bytes:N0} bytes of data "
            + $"declared, {m.Length - data:N0} in the message; the file is corrupt");
    }

    private int Offset(ulong address)
    {
        ulong at = address + _base;
        if (address == Undefined || at >= (ulong)_bytes.Length)
        {
            throw new Corrupt($"an address ({address}) past the end of the {_bytes.Length:N0}-byte file; the file is corrupt");
        }
        return (int)at;
    }

    private void Need(ulong address, ulong length, string what)
    {
        ulong at = address + _base;
        if (address == Undefined || at > (ulong)_bytes.Length || length > (ulong)_bytes.Length - at)
        {
            throw new Corrupt($"{what} declares {length:N0} bytes at address {address}, past the end of the {_bytes.Length:N0}-byte "
                + "file; the file is corrupt");
        }
    }

    private void Need(int at, ulong length, string what) => Need((ulong)at - _base, length, what);

    private bool Matches(int at, ReadOnlySpan<byte> signature)
        => at + signature.Length <= _bytes.Length && _bytes.AsSpan(at, signature.Length).SequenceEqual(signature);

    private static ulong U64(byte[] b, int at) => at + 8 <= b.Length ? BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(at)) : Undefined;

    private static uint U32(byte[] b, int at) => at + 4 <= b.Length ? BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(at)) : uint.MaxValue;

    /// <summary>
    /// A global heap collection ("GCOL", where variable-length strings live) holding an object that claims more bytes than the
    /// collection has. A collection is "GCOL", version 1, three reserved bytes and its 8-byte size (at least 4096, inside the
    /// file); each object is a 2-byte index (0 ends the list), a 2-byte reference count, 4 reserved bytes, its 8-byte size and
    /// its data padded to 8 bytes (specification III.E). Collections are found by their signature.
    /// </summary>
    private static string? GlobalHeap(byte[] bytes)
    {
        ReadOnlySpan<byte> signature = "GCOL"u8;
        for (int at = bytes.AsSpan().IndexOf(signature); at >= 0;)
        {
            if (at + 16 <= bytes.Length && bytes[at + 4] == 1)
            {
                long size = BitConverter.ToInt64(bytes, at + 8);
                if (size >= 4096 && size <= bytes.Length - at)
                {
                    long end = at + size;
                    for (long o = at + 16; o + 16 <= end;)
                    {
                        if (BitConverter.ToUInt16(bytes, (int)o) == 0) break;
                        long objectSize = BitConverter.ToInt64(bytes, (int)o + 8);
                        if (objectSize < 0 || objectSize > end - o - 16)
                        {
                            return $"the global heap collection at byte {at} declares an object larger than the collection; "
                                + "the file is corrupt";
                        }
                        o += 16 + (objectSize + 7) / 8 * 8;
                    }
                }
            }
            int next = bytes.AsSpan(at + 1).IndexOf(signature);
            at = next < 0 ? -1 : at + 1 + next;
        }
        return null;
    }

    /// <summary>The bytes of one header message; reads past its end are corruption.</summary>
    private readonly struct Span(byte[] bytes, int start, int length)
    {
        public int Start => start;
        public int Length => length;

        public void Within(long end, string what)
        {
            if (end > length) throw new Corrupt($"{what} at byte {start} declares {end:N0} bytes, {length:N0} in the message; "
                + "the file is corrupt");
        }

        public byte Byte(int at)
        {
            Within(at + 1L, "a header message");
            return bytes[start + at];
        }

        public ushort U16(int at)
        {
            Within(at + 2L, "a header message");
            return BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(start + at));
        }

        public uint U32(int at)
        {
            Within(at + 4L, "a header message");
            return BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(start + at));
        }

        public ulong U64(int at)
        {
            Within(at + 8L, "a header message");
            return BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(start + at));
        }
    }

    private sealed class Corrupt(string message) : Exception(message);
}
