#!/usr/bin/env python3
"""Writes the seed corpora under fuzz/corpus/ (committed; rerun only to change them).

Needs /usr/bin/python3 with numpy and onnx. The .snn seeds are made afterwards by `fuzz/run.sh seeds`
(they need the built CLI), which converts the onnx/mnist_*.onnx models written here.

Pair targets (idx, npy) take one input holding two files: a 2-byte little-endian length L, the labels
file (L bytes), then the images file (the rest). See fuzz/Ann2Snn.Fuzz/Targets.cs.
"""
import gzip
import io
import os
import struct
import zipfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
RNG = np.random.default_rng(7)


def out(target, name, data):
    folder = os.path.join(ROOT, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def pair(labels, images):
    assert len(labels) < 65536
    return struct.pack("<H", len(labels)) + labels + images


# ---------- ONNX ----------

def init(name, shape, scale=0.5):
    return numpy_helper.from_array((RNG.standard_normal(shape) * scale).astype(np.float32), name)


def ints(name, values):
    return numpy_helper.from_array(np.array(values, dtype=np.int64), name)


def model(nodes, inits, x_shape, y_width, opset=13):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", *x_shape])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", y_width])
    graph = helper.make_graph(nodes, "g", [x], [y], inits)
    ir = {9: 4, 11: 6, 13: 7, 15: 8, 17: 8, 21: 10}[opset]
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], ir_version=ir, producer_name="fuzz-seed")
    return m


def save_model(target, name, m, check=True):
    if check:
        onnx.checker.check_model(m)
    out(target, name, m.SerializeToString())


def onnx_seeds():
    n = helper.make_node
    # 1. an MLP
    save_model("onnx", "mlp.onnx", model(
        [n("Flatten", ["x"], ["f"]), n("Gemm", ["f", "w1", "b1"], ["h"], transB=1), n("Relu", ["h"], ["r"]),
         n("Gemm", ["r", "w2", "b2"], ["z"], transB=1), n("Softmax", ["z"], ["y"], axis=1)],
        [init("w1", (8, 16)), init("b1", (8,)), init("w2", (3, 8)), init("b2", (3,))], [1, 4, 4], 3))
    # 2. conv, batch norm, pools, matmul
    save_model("onnx", "conv_bn_pool.onnx", model(
        [n("Conv", ["x", "w", "b"], ["c"], pads=[1, 1, 1, 1], strides=[1, 1]),
         n("BatchNormalization", ["c", "s", "bb", "m", "v"], ["bn"]), n("Relu", ["bn"], ["r"]),
         n("MaxPool", ["r"], ["mp"], kernel_shape=[2, 2], strides=[2, 2]),
         n("AveragePool", ["mp"], ["ap"], kernel_shape=[2, 2], strides=[1, 1], pads=[0, 0, 1, 1], count_include_pad=1),
         n("Flatten", ["ap"], ["f"]), n("MatMul", ["f", "fc"], ["mm"]), n("Add", ["mm", "fb"], ["y"])],
        [init("w", (2, 1, 3, 3)), init("b", (2,)), init("s", (2,)), init("bb", (2,)), init("m", (2,)),
         numpy_helper.from_array(np.array([1.0, 2.0], dtype=np.float32), "v"),
         init("fc", (18, 4)), init("fb", (4,))], [1, 6, 6], 4))
    # 3. a residual block with global pooling
    save_model("onnx", "residual.onnx", model(
        [n("Conv", ["x", "w1"], ["c1"], pads=[1, 1, 1, 1]), n("Relu", ["c1"], ["r1"]),
         n("Conv", ["r1", "w2", "b2"], ["c2"], pads=[1, 1, 1, 1]), n("Add", ["c2", "r1"], ["s"]), n("Relu", ["s"], ["r2"]),
         n("GlobalAveragePool", ["r2"], ["g"]), n("Flatten", ["g"], ["f"]), n("Gemm", ["f", "fc", "fb"], ["y"])],
        [init("w1", (2, 1, 3, 3)), init("w2", (2, 2, 3, 3)), init("b2", (2,)), init("fc", (2, 3)), init("fb", (3,))], [1, 5, 5], 3))
    # 4. input scaling, pad, clip, concat, reshape, squeeze, dropout, identity
    save_model("onnx", "shape_ops.onnx", model(
        [n("Sub", ["x", "mean"], ["xs"]), n("Div", ["xs", "std"], ["xn"]), n("Pad", ["xn", "pads"], ["p"]),
         n("Conv", ["p", "w"], ["c"], group=1), n("Clip", ["c", "lo", "hi"], ["r"]), n("Concat", ["r", "r"], ["cat"], axis=1),
         n("GlobalAveragePool", ["cat"], ["g"]), n("Squeeze", ["g", "axes"], ["sq"]), n("Unsqueeze", ["sq", "axes"], ["us"]),
         n("Reshape", ["us", "shape"], ["f"]), n("Dropout", ["f"], ["d"]), n("Identity", ["d"], ["i"]),
         n("Constant", [], ["k"], value=numpy_helper.from_array(np.full((4,), 0.5, dtype=np.float32))),
         n("Mul", ["i", "k"], ["y"])],
        [numpy_helper.from_array(np.array(0.1, dtype=np.float32), "mean"), numpy_helper.from_array(np.array(0.3, dtype=np.float32), "std"),
         ints("pads", [0, 0, 1, 1, 0, 0, 1, 1]), init("w", (2, 1, 3, 3)),
         numpy_helper.from_array(np.array(0.0, dtype=np.float32), "lo"), numpy_helper.from_array(np.array(6.0, dtype=np.float32), "hi"),
         ints("axes", [2, 3]), ints("shape", [0, -1])], [1, 4, 4], 4))
    # 5. opset 9: attribute forms of Pad, Clip, Unsqueeze; dilations and groups
    save_model("onnx", "opset9.onnx", model(
        [n("Pad", ["x"], ["p"], pads=[0, 0, 1, 1, 0, 0, 1, 1]), n("Conv", ["p", "w"], ["c"], group=2, dilations=[2, 2]),
         n("Clip", ["c"], ["r"], min=0.0, max=6.0), n("Flatten", ["r"], ["f"]), n("Gemm", ["f", "fc", "fb"], ["y"], alpha=0.5)],
        [init("w", (4, 1, 2, 2)), init("fc", (16, 2)), init("fb", (2,))], [2, 2, 2], 2, opset=9))


# ---------- IDX ----------

def idx(array, type_code):
    header = struct.pack(">BBBB", 0, 0, type_code, array.ndim) + b"".join(struct.pack(">I", d) for d in array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def idx_seeds():
    images = RNG.integers(0, 256, size=(5, 4, 4), dtype=np.uint8)
    labels = np.array([0, 1, 2, 1, 0], dtype=np.uint8)
    out("idx", "u8_images.bin", pair(idx(labels, 0x08), idx(images, 0x08)))
    out("idx", "gzip.bin", pair(gzip.compress(idx(labels, 0x08), mtime=0), gzip.compress(idx(images, 0x08), mtime=0)))
    out("idx", "f32_features.bin", pair(idx(labels.astype(np.int32), 0x0C), idx(RNG.standard_normal((5, 3)).astype(np.float32), 0x0D)))
    out("idx", "f64_nchw.bin", pair(idx(labels.astype(np.int16), 0x0B), idx(RNG.standard_normal((5, 2, 2, 2)), 0x0E)))
    out("idx", "i8.bin", pair(idx(labels.astype(np.int8), 0x09), idx(RNG.integers(-128, 128, size=(5, 3, 3), dtype=np.int8), 0x09)))


# ---------- NPY / NPZ ----------

def npy(array, version=None):
    buf = io.BytesIO()
    if version is None:
        np.save(buf, array)
    else:
        np.lib.format.write_array(buf, array, version=version)
    return buf.getvalue()


def npy_seeds():
    labels = np.array([0, 2, 1, 1], dtype=np.int64)
    out("npy", "u8_nhw.bin", pair(npy(labels), npy(RNG.integers(0, 256, size=(4, 3, 3), dtype=np.uint8))))
    out("npy", "f4_nchw.bin", pair(npy(labels.astype(np.float32)), npy(RNG.standard_normal((4, 1, 2, 3)).astype(np.float32))))
    out("npy", "f2_features_v2.bin", pair(npy(labels.astype(np.uint8).reshape(4, 1), (2, 0)), npy(RNG.standard_normal((4, 5)).astype(np.float16), (2, 0))))
    out("npy", "be_i2_v3.bin", pair(npy(labels.astype(">i4"), (3, 0)), npy(RNG.integers(-9, 9, size=(4, 2, 2)).astype(">i2"), (3, 0))))
    out("npy", "f8_u4.bin", pair(npy(labels.astype(np.uint32)), npy(RNG.standard_normal((4, 2)))))

    def npz(name, compressed, **arrays):
        buf = io.BytesIO()
        (np.savez_compressed if compressed else np.savez)(buf, **arrays)
        out("npz", name, buf.getvalue())

    npz("x_y_test.npz", False, x_test=RNG.integers(0, 256, size=(3, 4, 4), dtype=np.uint8), y_test=np.array([1, 0, 1], dtype=np.uint8))
    npz("x_y_compressed.npz", True, x=RNG.standard_normal((3, 1, 2, 2)).astype(np.float32), y=np.array([2, 0, 1], dtype=np.int32))
    npz("images_labels.npz", False, images=RNG.standard_normal((2, 6)).astype(np.float64), labels=np.array([[0], [1]], dtype=np.int16), extra=np.zeros(3))


# ---------- models for the .snn seeds (input [1, 28, 28], to calibrate on the bundled MNIST) ----------

def snn_models():
    n = helper.make_node
    folder = "onnx"
    save_model(folder, "mnist_conv_avg.onnx", model(
        [n("Conv", ["x", "w", "b"], ["c"], strides=[4, 4]), n("Relu", ["c"], ["r"]),
         n("AveragePool", ["r"], ["p"], kernel_shape=[2, 2], strides=[2, 2]), n("Flatten", ["p"], ["f"]),
         n("Gemm", ["f", "fc", "fb"], ["y"], transB=1)],
        [init("w", (2, 1, 4, 4)), init("b", (2,)), init("fc", (10, 18)), init("fb", (10,))], [1, 28, 28], 10))
    save_model(folder, "mnist_conv_max_res.onnx", model(
        [n("Conv", ["x", "w"], ["c"], strides=[4, 4]), n("Relu", ["c"], ["r"]),
         n("MaxPool", ["r"], ["p"], kernel_shape=[2, 2], strides=[2, 2]),
         n("Conv", ["p", "w2", "b2"], ["c2"], pads=[1, 1, 1, 1]), n("Add", ["c2", "p"], ["s"]), n("Relu", ["s"], ["r2"]),
         n("Concat", ["r2", "p"], ["cat"], axis=1), n("Flatten", ["cat"], ["f"]), n("Gemm", ["f", "fc"], ["y"], transB=1)],
        [init("w", (2, 1, 4, 4)), init("w2", (2, 2, 3, 3)), init("b2", (2,)), init("fc", (10, 36))], [1, 28, 28], 10))
    save_model(folder, "mnist_mlp.onnx", model(
        [n("AveragePool", ["x"], ["p"], kernel_shape=[7, 7], strides=[7, 7]), n("Flatten", ["p"], ["f"]),
         n("Gemm", ["f", "w1", "b1"], ["h"], transB=1), n("Relu", ["h"], ["r"]), n("Gemm", ["r", "w2"], ["y"], transB=1)],
        [init("w1", (6, 16)), init("b1", (6,)), init("w2", (10, 6))], [1, 28, 28], 10))


if __name__ == "__main__":
    onnx_seeds()
    idx_seeds()
    npy_seeds()
    snn_models()
    for target in sorted(os.listdir(ROOT)):
        folder = os.path.join(ROOT, target)
        sizes = [os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder)]
        print(f"{target}: {len(sizes)} files, {sum(sizes)} bytes")
