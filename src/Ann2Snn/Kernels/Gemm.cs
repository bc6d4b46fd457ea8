using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Ann2Snn.Kernels;

/// <summary>
/// Single-precision matrix product <c>C = (accumulate ? C : 0) + op(A)·op(B) + bias</c> over row-major matrices with
/// leading dimensions (strides), where op is the identity or the transpose.
/// </summary>
/// <remarks>
/// The classic packed, cache-blocked scheme (Goto; BLIS): K is cut into blocks of <see cref="KC"/>, N into blocks of
/// <see cref="NC"/> and M into blocks of <see cref="MC"/>. Each K×N block of B is copied into panels NR columns wide
/// (row p of a panel holds NR consecutive columns), each M×K block of A into panels MR rows tall (column p of a panel
/// holds MR consecutive rows); panels are zero-padded, so the micro-kernel always computes a full MR×NR tile of C
/// in registers (8×32 with AVX-512, 6×16 with AVX2). A B panel (KC×NR floats, 32 KiB for AVX-512) stays in L1 while
/// the A panels of a block stream from L2.
/// Every element of C is accumulated in the same order (bias, then k = 0, 1, …, K−1, one fused multiply-add each)
/// whatever its position in a tile, the blocking or the kernel variant, so results do not depend on how a caller
/// splits M or N, and the scalar fallback (which uses <see cref="MathF.FusedMultiplyAdd"/>) agrees bit for bit.
/// Single-threaded: callers parallelize over independent products.
/// </remarks>
[SkipLocalsInit]
public static class Gemm
{
    /// <summary>Depth of a K block: a B panel of KC×NR floats fits L1.</summary>
    internal const int KC = 256;

    /// <summary>Rows of an A block (a multiple of every MR, 6 and 8): MC×KC floats fit L2.</summary>
    internal const int MC = 144;

    /// <summary>Columns of a B block (a multiple of every NR).</summary>
    internal const int NC = 2048;

    /// <summary>Largest micro-tile, for scratch sizing.</summary>
    private const int MaxMR = 8, MaxNR = 32;

    /// <summary>The fastest variant this machine runs in hardware.</summary>
    internal static GemmKernel Best { get; } =
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported ? GemmKernel.Vector512
        : Vector256.IsHardwareAccelerated && Fma.IsSupported ? GemmKernel.Vector256
        : GemmKernel.Scalar;

    /// <summary>
    /// Rows of a micro-tile for a variant: 8 with 32 vector registers (AVX-512), else 6 (the <c>Rows</c> of its lanes;
    /// the scalar fallback keeps the 256-bit tile). Literals, so that the driver inlines them.
    /// </summary>
    internal static int MR(GemmKernel kernel) => kernel == GemmKernel.Vector512 ? 8 : 6;

    /// <summary>Columns of a micro-tile for a variant: two vectors (2·<c>Width</c> of its lanes).</summary>
    internal static int NR(GemmKernel kernel) => kernel == GemmKernel.Vector512 ? 32 : 16;

    /// <summary>
    /// C[m×n] = (accumulate ? C : 0) + op(A)[m×k] · op(B)[k×n] + bias. With <paramref name="transposeA"/> A is stored
    /// k×m (element (i, p) at a[p·lda + i]), else m×k (a[i·lda + p]); likewise B is stored n×k when
    /// <paramref name="transposeB"/> (b[j·ldb + p]), else k×n (b[p·ldb + j]). C is m×n at c[i·ldc + j].
    /// </summary>
    public static void Multiply(
        int m, int n, int k,
        ReadOnlySpan<float> a, int lda, bool transposeA,
        ReadOnlySpan<float> b, int ldb, bool transposeB,
        Span<float> c, int ldc,
        ReadOnlySpan<float> bias = default, GemmBias biasKind = GemmBias.None, bool accumulate = false) =>
        Multiply(Best, m, n, k, a, lda, transposeA, b, ldb, transposeB, c, ldc, bias, biasKind, accumulate);

    /// <summary>As the first overload, with B packed once ahead of time (constant weights: the dense layer).</summary>
    public static void Multiply(
        int m,
        ReadOnlySpan<float> a, int lda, bool transposeA,
        GemmPackedB b,
        Span<float> c, int ldc,
        ReadOnlySpan<float> bias = default, GemmBias biasKind = GemmBias.None, bool accumulate = false)
    {
        ArgumentNullException.ThrowIfNull(b);
        Core(b.Kernel, m, b.N, b.K, a, lda, transposeA, default, default, 0, false, b.Data, c, ldc, bias, biasKind, accumulate);
    }

    /// <summary>As the first overload, with A packed once ahead of time (constant weights: the convolution).</summary>
    public static void Multiply(
        GemmPackedA a, int n,
        ReadOnlySpan<float> b, int ldb, bool transposeB,
        Span<float> c, int ldc,
        ReadOnlySpan<float> bias = default, GemmBias biasKind = GemmBias.None, bool accumulate = false)
    {
        ArgumentNullException.ThrowIfNull(a);
        Core(a.Kernel, a.M, n, a.K, default, 0, false, a.Data, b, ldb, transposeB, default, c, ldc, bias, biasKind, accumulate);
    }

    internal static void Multiply(
        GemmKernel kernel,
        int m, int n, int k,
        ReadOnlySpan<float> a, int lda, bool transposeA,
        ReadOnlySpan<float> b, int ldb, bool transposeB,
        Span<float> c, int ldc,
        ReadOnlySpan<float> bias, GemmBias biasKind, bool accumulate) =>
        Core(kernel, m, n, k, a, lda, transposeA, default, b, ldb, transposeB, default, c, ldc, bias, biasKind, accumulate);

    /// <summary>Floats of op(A)[m×k] in the packed layout of a variant (see <see cref="GemmPackedA"/>).</summary>
    internal static int PackedSizeA(GemmKernel kernel, int m, int k) => k * RoundUp(m, MR(kernel));

    /// <summary>Floats of op(B)[k×n] in the packed layout of a variant (see <see cref="GemmPackedB"/>).</summary>
    internal static int PackedSizeB(GemmKernel kernel, int k, int n) => k * RoundUp(n, NR(kernel));

    /// <summary>
    /// The product, where either operand may come already packed for <paramref name="kernel"/> (a non-empty
    /// <paramref name="packedA"/> or <paramref name="packedB"/> replaces the raw operand, which is then ignored).
    /// </summary>
    internal static void Core(
        GemmKernel kernel, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, bool transposeA, ReadOnlySpan<float> packedA,
        ReadOnlySpan<float> b, int ldb, bool transposeB, ReadOnlySpan<float> packedB,
        Span<float> c, int ldc,
        ReadOnlySpan<float> bias, GemmBias biasKind, bool accumulate)
    {
        CheckArguments(m, n, k, c, ldc, bias, biasKind);
        bool haveA = !packedA.IsEmpty, haveB = !packedB.IsEmpty;
        if (haveA) CheckPacked("A", packedA, PackedSizeA(kernel, m, k));
        else CheckOperand("A", a, lda, transposeA ? k : m, transposeA ? m : k);
        if (haveB) CheckPacked("B", packedB, PackedSizeB(kernel, k, n));
        else CheckOperand("B", b, ldb, transposeB ? n : k, transposeB ? k : n);
        unsafe
        {
            fixed (float* pa = a)
            fixed (float* ppa = packedA)
            fixed (float* pb = b)
            fixed (float* ppb = packedB)
            fixed (float* pc = c)
            fixed (float* pbias = bias)
            {
                Run(
                    kernel, m, n, k,
                    pa, lda, transposeA, haveA ? ppa : null,
                    pb, ldb, transposeB, haveB ? ppb : null,
                    pc, ldc, pbias, biasKind, accumulate);
            }
        }
    }

    /// <summary>The first address at or after <paramref name="p"/> on a 64-byte boundary (at most 15 floats on).</summary>
    private static unsafe float* CacheLine(float* p) => (float*)(((nint)p + 63) & ~(nint)63);

    private static void CheckPacked(string name, ReadOnlySpan<float> packed, int need)
    {
        if (packed.Length < need)
        {
            throw new ArgumentException($"GEMM packed operand {name}: needs {need} elements, span has {packed.Length}");
        }
    }

    private static void CheckArguments(int m, int n, int k, Span<float> c, int ldc, ReadOnlySpan<float> bias, GemmBias biasKind)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        CheckOperand("C", c, ldc, m, n);
        int need = biasKind switch
        {
            GemmBias.None => 0,
            GemmBias.PerRow => m,
            GemmBias.PerColumn => n,
            _ => throw new ArgumentOutOfRangeException(nameof(biasKind), biasKind, "unknown bias kind"),
        };
        if (bias.Length < need)
        {
            throw new ArgumentException($"GEMM {biasKind} bias has {bias.Length} elements; {need} needed", nameof(bias));
        }
    }

    /// <summary>Checks that a stored rows×cols matrix with leading dimension ld fits its span.</summary>
    internal static void CheckOperand(string name, ReadOnlySpan<float> data, int ld, int rows, int cols)
    {
        if (rows == 0 || cols == 0) return;
        if (ld < cols)
        {
            throw new ArgumentException($"GEMM operand {name}: leading dimension {ld} is less than its {cols} stored columns");
        }
        long need = (long)(rows - 1) * ld + cols;
        if (data.Length < need)
        {
            throw new ArgumentException(
                $"GEMM operand {name}: {rows}×{cols} with leading dimension {ld} needs {need} elements, span has {data.Length}");
        }
    }

    /// <summary>
    /// The blocked driver. An operand comes either raw (<paramref name="a"/>, <paramref name="b"/>: packed here block by
    /// block) or whole-matrix packed (<paramref name="packedA"/>, <paramref name="packedB"/> non-null).
    /// </summary>
    /// <remarks>Hot methods here skip tiered compilation: tier-0 code keeps vectors in memory and is ~10× slower.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Run(
        GemmKernel kernel, int m, int n, int k,
        float* a, int lda, bool transA, float* packedA,
        float* b, int ldb, bool transB, float* packedB,
        float* c, int ldc, float* bias, GemmBias biasKind, bool accumulate)
    {
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            InitializeOnly(m, n, c, ldc, bias, biasKind, accumulate);
            return;
        }

        int mr = MR(kernel), nr = NR(kernel);
        int mPadded = RoundUp(m, mr), nPadded = RoundUp(n, nr);
        // Packing buffers get 15 spare floats, so that the packed panels can start on a cache line (64 bytes): the
        // kernel's vector loads then never straddle two lines.
        float[]? aRent = packedA == null ? ArrayPool<float>.Shared.Rent(MC * KC + 15) : null;
        float[]? bRent = packedB == null ? ArrayPool<float>.Shared.Rent(KC * Math.Min(NC, nPadded) + 15) : null;
        // Edge tiles are computed into this MR×NR scratch tile; edge biases are zero-padded copies.
        float* tile = stackalloc float[MaxMR * MaxNR];
        float* rowBiasPad = stackalloc float[MaxMR];
        float* colBiasPad = stackalloc float[MaxNR];
        try
        {
            fixed (float* aPackRent = aRent)
            fixed (float* bPackRent = bRent)
            {
                for (int jc = 0; jc < n; jc += NC)
                {
                    int nc = Math.Min(NC, n - jc);
                    for (int pc = 0; pc < k; pc += KC)
                    {
                        int kc = Math.Min(KC, k - pc);
                        float* bPack;
                        if (packedB != null)
                        {
                            // Whole-matrix packing: K block pc starts at pc·nPadded; its panels are kc·nr apart.
                            bPack = packedB + (nint)pc * nPadded + (nint)jc * kc;
                        }
                        else
                        {
                            bPack = CacheLine(bPackRent);
                            PackB(b, ldb, transB, pc, kc, jc, nc, bPack, nr);
                        }
                        bool first = pc == 0;
                        bool load = accumulate || !first;
                        for (int ic = 0; ic < m; ic += MC)
                        {
                            int mc = Math.Min(MC, m - ic);
                            float* aPack;
                            if (packedA != null)
                            {
                                // Whole-matrix packing: K block pc starts at pc·mPadded; its panels are kc·mr apart.
                                aPack = packedA + (nint)pc * mPadded + (nint)ic * kc;
                            }
                            else
                            {
                                aPack = CacheLine(aPackRent);
                                PackA(a, lda, transA, ic, mc, pc, kc, aPack, mr);
                            }
                            for (int jr = 0; jr < nc; jr += nr)
                            {
                                int nrEff = Math.Min(nr, nc - jr);
                                float* bPanel = bPack + (nint)jr * kc;
                                int col = jc + jr;
                                for (int ir = 0; ir < mc; ir += mr)
                                {
                                    int mrEff = Math.Min(mr, mc - ir);
                                    float* aPanel = aPack + (nint)ir * kc;
                                    int row = ic + ir;
                                    float* cTile = c + (nint)row * ldc + col;
                                    float* rb = first && biasKind == GemmBias.PerRow ? bias + row : null;
                                    float* cb = first && biasKind == GemmBias.PerColumn ? bias + col : null;
                                    if (mrEff == mr && nrEff == nr)
                                    {
                                        MicroKernel(kernel, kc, aPanel, bPanel, cTile, ldc, load, rb, cb);
                                        continue;
                                    }
                                    // Edge tile: compute the full tile into scratch (padded operands are zero), keep the valid part.
                                    new Span<float>(tile, mr * nr).Clear();
                                    if (load) CopyTile(cTile, ldc, tile, nr, mrEff, nrEff);
                                    if (rb != null)
                                    {
                                        new Span<float>(rowBiasPad, mr).Clear();
                                        new Span<float>(rb, mrEff).CopyTo(new Span<float>(rowBiasPad, mr));
                                        rb = rowBiasPad;
                                    }
                                    if (cb != null)
                                    {
                                        new Span<float>(colBiasPad, nr).Clear();
                                        new Span<float>(cb, nrEff).CopyTo(new Span<float>(colBiasPad, nr));
                                        cb = colBiasPad;
                                    }
                                    MicroKernel(kernel, kc, aPanel, bPanel, tile, nr, load, rb, cb);
                                    CopyTile(tile, nr, cTile, ldc, mrEff, nrEff);
                                }
                            }
                        }
                    }
                }
            }
        }
        finally
        {
            if (aRent != null) ArrayPool<float>.Shared.Return(aRent);
            if (bRent != null) ArrayPool<float>.Shared.Return(bRent);
        }
    }

    /// <summary>K = 0: the product is empty, so C is only initialized (or kept) and the bias added.</summary>
    private static unsafe void InitializeOnly(int m, int n, float* c, int ldc, float* bias, GemmBias biasKind, bool accumulate)
    {
        for (int i = 0; i < m; i++)
        {
            var row = new Span<float>(c + (nint)i * ldc, n);
            if (!accumulate) row.Clear();
            if (biasKind == GemmBias.PerRow)
            {
                System.Numerics.Tensors.TensorPrimitives.Add(row, bias[i], row);
            }
            else if (biasKind == GemmBias.PerColumn)
            {
                System.Numerics.Tensors.TensorPrimitives.Add(row, new ReadOnlySpan<float>(bias, n), row);
            }
        }
    }

    private static unsafe void CopyTile(float* src, int lds, float* dst, int ldd, int rows, int cols)
    {
        for (int i = 0; i < rows; i++)
        {
            new ReadOnlySpan<float>(src + (nint)i * lds, cols).CopyTo(new Span<float>(dst + (nint)i * ldd, cols));
        }
    }

    internal static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    /// <summary>
    /// Packs rows [i0, i0+mc) × columns [p0, p0+kc) of op(A) into panels of <paramref name="mr"/> rows: panel r
    /// holds, for each p, the mr values A(i0+r·mr+0..mr−1, p0+p) contiguously; rows past mc are zero.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void PackA(float* a, int lda, bool transA, int i0, int mc, int p0, int kc, float* dest, int mr)
    {
        for (int ir = 0; ir < mc; ir += mr)
        {
            int h = Math.Min(mr, mc - ir);
            float* d = dest + (nint)ir * kc;
            if (transA)
            {
                // A stored k×m: for each p the h values are contiguous.
                for (int p = 0; p < kc; p++)
                {
                    float* s = a + (nint)(p0 + p) * lda + i0 + ir;
                    float* dp = d + p * mr;
                    int r = 0;
                    for (; r < h; r++) dp[r] = s[r];
                    for (; r < mr; r++) dp[r] = 0f;
                }
            }
            else
            {
                // A stored m×k: read each row contiguously, write with stride mr.
                for (int r = 0; r < h; r++)
                {
                    float* s = a + (nint)(i0 + ir + r) * lda + p0;
                    for (int p = 0; p < kc; p++) d[p * mr + r] = s[p];
                }
                for (int r = h; r < mr; r++)
                {
                    for (int p = 0; p < kc; p++) d[p * mr + r] = 0f;
                }
            }
        }
    }

    /// <summary>
    /// Packs rows [p0, p0+kc) × columns [j0, j0+nc) of op(B) into panels of <paramref name="nr"/> columns: panel j
    /// holds, for each p, the nr values B(p0+p, j0+j·nr+0..nr−1) contiguously; columns past nc are zero.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void PackB(float* b, int ldb, bool transB, int p0, int kc, int j0, int nc, float* dest, int nr)
    {
        for (int jr = 0; jr < nc; jr += nr)
        {
            int w = Math.Min(nr, nc - jr);
            float* d = dest + (nint)jr * kc;
            if (transB)
            {
                // B stored n×k: read each column of op(B) contiguously, write with stride nr.
                for (int j = 0; j < w; j++)
                {
                    float* s = b + (nint)(j0 + jr + j) * ldb + p0;
                    for (int p = 0; p < kc; p++) d[p * nr + j] = s[p];
                }
                if (w < nr)
                {
                    for (int p = 0; p < kc; p++) new Span<float>(d + p * nr + w, nr - w).Clear();
                }
            }
            else
            {
                // B stored k×n: each packed row is a contiguous copy.
                for (int p = 0; p < kc; p++)
                {
                    float* s = b + (nint)(p0 + p) * ldb + j0 + jr;
                    var row = new Span<float>(d + p * nr, nr);
                    new ReadOnlySpan<float>(s, w).CopyTo(row);
                    if (w < nr) row[w..].Clear();
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void MicroKernel(
        GemmKernel kernel, int kc, float* a, float* b, float* c, int ldc, bool load, float* rowBias, float* colBias)
    {
        switch (kernel)
        {
            case GemmKernel.Vector512:
                Kernel<Lanes512, Vector512<float>>(kc, a, b, c, ldc, load, rowBias, colBias);
                break;
            case GemmKernel.Vector256:
                Kernel<Lanes256, Vector256<float>>(kc, a, b, c, ldc, load, rowBias, colBias);
                break;
            default:
                KernelScalar(kc, a, b, c, ldc, load, rowBias, colBias);
                break;
        }
    }

    /// <summary>
    /// The register-tiled micro-kernel, one body for both vector widths: an R×2W tile with R = <c>TLanes.Rows</c> and
    /// W = <c>TLanes.Width</c> (8×32 with AVX-512, 6×16 with AVX2+FMA). Accumulator cIH (c00 … c71) holds row I, columns
    /// W·H … W·H+W−1: 2R registers (16 of the 32 zmm, 12 of the 16 ymm), plus two for a packed B row and one for a
    /// broadcast. Each step p loads one packed B row (two vectors) and broadcasts the R packed A values of column p.
    /// </summary>
    /// <remarks>
    /// <typeparamref name="TLanes"/> is a struct, so the JIT compiles one copy per width in which its members are single
    /// instructions and <c>TLanes.Rows == 8</c> a constant: the 6-row copy has no code for rows 6 and 7. Checked with
    /// <c>DOTNET_JitDisasm=Kernel</c>: each copy keeps all accumulators in registers, and its loop is two loads, R
    /// broadcasts and 2R fused multiply-adds, the code of the two hand-written kernels this one replaced.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Kernel<TLanes, TVec>(
        int kc, float* a, float* b, float* c, int ldc, bool load, float* rowBias, float* colBias)
        where TLanes : struct, ILanes<TVec>
        where TVec : struct
    {
        int w = TLanes.Width;
        float* c0 = c, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc, c4 = c3 + ldc, c5 = c4 + ldc, c6 = c5 + ldc, c7 = c6 + ldc;
        TVec c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
        if (load)
        {
            c00 = TLanes.Load(c0); c01 = TLanes.Load(c0 + w);
            c10 = TLanes.Load(c1); c11 = TLanes.Load(c1 + w);
            c20 = TLanes.Load(c2); c21 = TLanes.Load(c2 + w);
            c30 = TLanes.Load(c3); c31 = TLanes.Load(c3 + w);
            c40 = TLanes.Load(c4); c41 = TLanes.Load(c4 + w);
            c50 = TLanes.Load(c5); c51 = TLanes.Load(c5 + w);
            if (TLanes.Rows == 8)
            {
                c60 = TLanes.Load(c6); c61 = TLanes.Load(c6 + w);
                c70 = TLanes.Load(c7); c71 = TLanes.Load(c7 + w);
            }
            else
            {
                c60 = c61 = c70 = c71 = TLanes.Zero; // never read: a 6-row tile has no rows 6 and 7
            }
        }
        else
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = c60 = c61 = c70 = c71 = TLanes.Zero;
        }
        if (rowBias != null)
        {
            var r = TLanes.Broadcast(rowBias[0]); c00 = TLanes.Add(c00, r); c01 = TLanes.Add(c01, r);
            r = TLanes.Broadcast(rowBias[1]); c10 = TLanes.Add(c10, r); c11 = TLanes.Add(c11, r);
            r = TLanes.Broadcast(rowBias[2]); c20 = TLanes.Add(c20, r); c21 = TLanes.Add(c21, r);
            r = TLanes.Broadcast(rowBias[3]); c30 = TLanes.Add(c30, r); c31 = TLanes.Add(c31, r);
            r = TLanes.Broadcast(rowBias[4]); c40 = TLanes.Add(c40, r); c41 = TLanes.Add(c41, r);
            r = TLanes.Broadcast(rowBias[5]); c50 = TLanes.Add(c50, r); c51 = TLanes.Add(c51, r);
            if (TLanes.Rows == 8)
            {
                r = TLanes.Broadcast(rowBias[6]); c60 = TLanes.Add(c60, r); c61 = TLanes.Add(c61, r);
                r = TLanes.Broadcast(rowBias[7]); c70 = TLanes.Add(c70, r); c71 = TLanes.Add(c71, r);
            }
        }
        if (colBias != null)
        {
            var h0 = TLanes.Load(colBias);
            var h1 = TLanes.Load(colBias + w);
            c00 = TLanes.Add(c00, h0); c10 = TLanes.Add(c10, h0); c20 = TLanes.Add(c20, h0);
            c30 = TLanes.Add(c30, h0); c40 = TLanes.Add(c40, h0); c50 = TLanes.Add(c50, h0);
            if (TLanes.Rows == 8)
            {
                c60 = TLanes.Add(c60, h0); c70 = TLanes.Add(c70, h0);
            }
            c01 = TLanes.Add(c01, h1); c11 = TLanes.Add(c11, h1); c21 = TLanes.Add(c21, h1);
            c31 = TLanes.Add(c31, h1); c41 = TLanes.Add(c41, h1); c51 = TLanes.Add(c51, h1);
            if (TLanes.Rows == 8)
            {
                c61 = TLanes.Add(c61, h1); c71 = TLanes.Add(c71, h1);
            }
        }
        for (int p = 0; p < kc; p++)
        {
            var b0 = TLanes.Load(b);
            var b1 = TLanes.Load(b + w);
            var x = TLanes.Broadcast(a[0]);
            c00 = TLanes.FusedMultiplyAdd(x, b0, c00); c01 = TLanes.FusedMultiplyAdd(x, b1, c01);
            x = TLanes.Broadcast(a[1]);
            c10 = TLanes.FusedMultiplyAdd(x, b0, c10); c11 = TLanes.FusedMultiplyAdd(x, b1, c11);
            x = TLanes.Broadcast(a[2]);
            c20 = TLanes.FusedMultiplyAdd(x, b0, c20); c21 = TLanes.FusedMultiplyAdd(x, b1, c21);
            x = TLanes.Broadcast(a[3]);
            c30 = TLanes.FusedMultiplyAdd(x, b0, c30); c31 = TLanes.FusedMultiplyAdd(x, b1, c31);
            x = TLanes.Broadcast(a[4]);
            c40 = TLanes.FusedMultiplyAdd(x, b0, c40); c41 = TLanes.FusedMultiplyAdd(x, b1, c41);
            x = TLanes.Broadcast(a[5]);
            c50 = TLanes.FusedMultiplyAdd(x, b0, c50); c51 = TLanes.FusedMultiplyAdd(x, b1, c51);
            if (TLanes.Rows == 8)
            {
                x = TLanes.Broadcast(a[6]);
                c60 = TLanes.FusedMultiplyAdd(x, b0, c60); c61 = TLanes.FusedMultiplyAdd(x, b1, c61);
                x = TLanes.Broadcast(a[7]);
                c70 = TLanes.FusedMultiplyAdd(x, b0, c70); c71 = TLanes.FusedMultiplyAdd(x, b1, c71);
            }
            a += TLanes.Rows;
            b += 2 * w;
        }
        TLanes.Store(c00, c0); TLanes.Store(c01, c0 + w);
        TLanes.Store(c10, c1); TLanes.Store(c11, c1 + w);
        TLanes.Store(c20, c2); TLanes.Store(c21, c2 + w);
        TLanes.Store(c30, c3); TLanes.Store(c31, c3 + w);
        TLanes.Store(c40, c4); TLanes.Store(c41, c4 + w);
        TLanes.Store(c50, c5); TLanes.Store(c51, c5 + w);
        if (TLanes.Rows == 8)
        {
            TLanes.Store(c60, c6); TLanes.Store(c61, c6 + w);
            TLanes.Store(c70, c7); TLanes.Store(c71, c7 + w);
        }
    }

    /// <summary>
    /// Fallback without SIMD: the 6×16 tile of the 256-bit kernel one element at a time, with the same operation order
    /// (bias first, then one fused multiply-add per k), so every variant gives identical results.
    /// </summary>
    private static unsafe void KernelScalar(
        int kc, float* a, float* b, float* c, int ldc, bool load, float* rowBias, float* colBias)
    {
        const int N = 16, R = 6;
        for (int i = 0; i < R; i++)
        {
            float* ci = c + (nint)i * ldc;
            for (int j = 0; j < N; j++)
            {
                float acc = load ? ci[j] : 0f;
                if (rowBias != null) acc += rowBias[i];
                if (colBias != null) acc += colBias[j];
                float* pa = a + i;
                float* pb = b + j;
                for (int p = 0; p < kc; p++)
                {
                    acc = MathF.FusedMultiplyAdd(pa[p * R], pb[p * N], acc);
                }
                ci[j] = acc;
            }
        }
    }

    /// <summary>
    /// One vector width of <see cref="Kernel{TLanes, TVec}"/>: the tile height and the few vector operations the kernel
    /// uses, each one instruction (.NET 10 keeps the BCL's own <c>ISimdVector</c> internal, hence this small interface).
    /// </summary>
    private interface ILanes<TVec>
        where TVec : struct
    {
        /// <summary>Floats per vector; a tile is two vectors wide (NR = 2·Width).</summary>
        static abstract int Width { get; }

        /// <summary>Rows of a tile (MR): 8 or 6, so that 2·Rows accumulators, two B vectors and a broadcast fit the registers.</summary>
        static abstract int Rows { get; }

        static abstract TVec Zero { get; }

        static abstract unsafe TVec Load(float* source);

        static abstract unsafe void Store(TVec value, float* destination);

        /// <summary>The value in every lane.</summary>
        static abstract TVec Broadcast(float value);

        static abstract TVec Add(TVec left, TVec right);

        /// <summary>x·y + addend per lane, rounded once.</summary>
        static abstract TVec FusedMultiplyAdd(TVec x, TVec y, TVec addend);
    }

    /// <summary>AVX-512: 16 floats per vector, 8×32 tiles.</summary>
    private readonly struct Lanes512 : ILanes<Vector512<float>>
    {
        public static int Width => Vector512<float>.Count;
        public static int Rows => 8;
        public static Vector512<float> Zero => Vector512<float>.Zero;
        public static unsafe Vector512<float> Load(float* source) => Vector512.Load(source);
        public static unsafe void Store(Vector512<float> value, float* destination) => value.Store(destination);
        public static Vector512<float> Broadcast(float value) => Vector512.Create(value);
        public static Vector512<float> Add(Vector512<float> left, Vector512<float> right) => left + right;

        public static Vector512<float> FusedMultiplyAdd(Vector512<float> x, Vector512<float> y, Vector512<float> addend) =>
            Vector512.FusedMultiplyAdd(x, y, addend);
    }

    /// <summary>AVX2+FMA: 8 floats per vector, 6×16 tiles (16 vector registers only).</summary>
    private readonly struct Lanes256 : ILanes<Vector256<float>>
    {
        public static int Width => Vector256<float>.Count;
        public static int Rows => 6;
        public static Vector256<float> Zero => Vector256<float>.Zero;
        public static unsafe Vector256<float> Load(float* source) => Vector256.Load(source);
        public static unsafe void Store(Vector256<float> value, float* destination) => value.Store(destination);
        public static Vector256<float> Broadcast(float value) => Vector256.Create(value);
        public static Vector256<float> Add(Vector256<float> left, Vector256<float> right) => left + right;

        public static Vector256<float> FusedMultiplyAdd(Vector256<float> x, Vector256<float> y, Vector256<float> addend) =>
            Vector256.FusedMultiplyAdd(x, y, addend);
    }
}
