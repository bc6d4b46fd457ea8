#!/usr/bin/env python3
"""Builds the bundled data sets under data/ from the full sets fetched by scripts/fetch-data.sh.

The test sets are copied whole (10,000 images); the training sets are cut to their FIRST
10,000 images and labels, with the IDX item count in the header rewritten to match.
Output is gzip level 9 with no file name and mtime 0, so reruns give byte-identical files.
Prints the SHA-256 of every written file (compressed and uncompressed).
"""
import gzip
import hashlib
import io
import pathlib
import struct
import sys

TRAIN_KEEP = 10_000
SETS = ("mnist", "fashion-mnist")
NAMES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)


def truncate_idx(raw: bytes, keep: int) -> bytes:
    """Keeps the first `keep` items of an IDX file (unsigned-byte data) and fixes its header."""
    zero, dtype, ndim = struct.unpack_from(">HBB", raw, 0)
    if zero != 0 or dtype != 0x08:
        raise ValueError(f"not an unsigned-byte IDX file (magic {raw[:4].hex()})")
    dims = list(struct.unpack_from(f">{ndim}I", raw, 4))
    header = 4 + 4 * ndim
    item = 1
    for d in dims[1:]:
        item *= d
    if len(raw) != header + dims[0] * item:
        raise ValueError(f"IDX size {len(raw)} does not match header dims {dims}")
    if keep > dims[0]:
        raise ValueError(f"asked to keep {keep} items of {dims[0]}")
    dims[0] = keep
    return struct.pack(">HBB", 0, dtype, ndim) + struct.pack(f">{ndim}I", *dims) + raw[header : header + keep * item]


def gzip_deterministic(raw: bytes) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as gz:
        gz.write(raw)
    return buf.getvalue()


def main() -> int:
    root = pathlib.Path(__file__).resolve().parent.parent
    src_root = root / ".cache" / "data"
    dst_root = root / "data"
    for name_set in SETS:
        (dst_root / name_set).mkdir(parents=True, exist_ok=True)
        for name in NAMES:
            raw = gzip.decompress((src_root / name_set / f"{name}.gz").read_bytes())
            if name.startswith("train-"):
                raw = truncate_idx(raw, TRAIN_KEEP)
            packed = gzip_deterministic(raw)
            out = dst_root / name_set / f"{name}.gz"
            out.write_bytes(packed)
            print(f"{name_set}/{name}.gz  gz={hashlib.sha256(packed).hexdigest()}  "
                  f"raw={hashlib.sha256(raw).hexdigest()}  bytes={len(packed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
