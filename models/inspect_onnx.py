#!/usr/bin/env python3
"""Summarises an exported ONNX model and, optionally, runs it with a small NumPy interpreter.

  python3 models/inspect_onnx.py models/mnist_mlp.onnx            # ops, parameters, MACs
  python3 models/inspect_onnx.py models/*.onnx --json              # the same as JSON
  python3 models/inspect_onnx.py models/mnist_mlp.onnx --eval data/mnist
      # + accuracy of the ONNX graph itself on <dir>/t10k-{images,labels}-*.gz

The interpreter covers only the ops the zoo's exports contain (float32, NCHW, opset 13); it exists
so the .onnx files can be checked without onnxruntime, and refuses any other op by name.

Counting rules
  parameters  elements of the graph's unique initializers, split into trainable ones and the
              BatchNormalization running mean/variance (buffers).
  MACs        multiply-accumulates per image of Conv (out elements x in-channels/group x kH x kW)
              and Gemm/MatMul (out features x in features); other ops are not counted.
"""
import argparse
import collections
import gzip
import json
import math
import pathlib
import struct
import sys

import numpy as np
import onnx
from onnx import numpy_helper, shape_inference


# ---------------------------------------------------------------- summary

def value_shapes(model: onnx.ModelProto) -> dict:
    """Per-sample shapes (batch dim dropped) of every value with a known shape."""
    inferred = shape_inference.infer_shapes(model)
    shapes = {}
    for vi in list(inferred.graph.value_info) + list(inferred.graph.input) + list(inferred.graph.output):
        dims = vi.type.tensor_type.shape.dim
        if dims and all(d.HasField("dim_value") for d in dims[1:]):
            shapes[vi.name] = [d.dim_value for d in dims[1:]]
    return shapes


def summarize(path: pathlib.Path) -> dict:
    model = onnx.load(str(path))
    graph = model.graph
    inits = {i.name: i for i in graph.initializer}
    buffers = set()
    for node in graph.node:
        if node.op_type == "BatchNormalization":
            buffers.update(node.input[3:5])
    # Identity nodes fed by an initializer alias it; resolve so buffers are recognised through them.
    alias = {n.output[0]: n.input[0] for n in graph.node if n.op_type == "Identity" and n.input[0] in inits}
    buffers = {alias.get(b, b) for b in buffers}
    trainable = sum(int(np.prod(i.dims)) for name, i in inits.items() if name not in buffers)
    buffer_count = sum(int(np.prod(i.dims)) for name, i in inits.items() if name in buffers)

    shapes = value_shapes(model)

    def dims_of(name):
        if name in inits:
            return list(inits[name].dims)
        if name in alias:
            return list(inits[alias[name]].dims)
        return shapes.get(name)

    macs = 0
    for node in graph.node:
        if node.op_type == "Conv":
            w = dims_of(node.input[1])
            out = shapes[node.output[0]]
            macs += int(np.prod(out)) * int(np.prod(w[1:]))
        elif node.op_type == "Gemm":
            w = dims_of(node.input[1])
            trans_b = next((a.i for a in node.attribute if a.name == "transB"), 0)
            out_f, in_f = (w[0], w[1]) if trans_b else (w[1], w[0])
            macs += out_f * in_f
        elif node.op_type == "MatMul":
            w = dims_of(node.input[1])
            macs += int(np.prod(shapes[node.output[0]])) * w[-2]

    ops = collections.Counter(n.op_type for n in graph.node)
    return {
        "file": path.name,
        "opset": max(o.version for o in model.opset_import if o.domain in ("", "ai.onnx")),
        "producer": f"{model.producer_name} {model.producer_version}",
        "inputs": {i.name: ["N"] + shapes.get(i.name, []) for i in graph.input if i.name not in inits},
        "outputs": {o.name: ["N"] + shapes.get(o.name, []) for o in graph.output},
        "nodes": len(graph.node),
        "ops": dict(sorted(ops.items())),
        "initializers": len(inits),
        "parameters": trainable,
        "bn_buffers": buffer_count,
        "macs": macs,
    }


def print_summary(s: dict) -> None:
    print(f"{s['file']}: opset {s['opset']}, {s['producer']}, {s['nodes']} nodes")
    print(f"  inputs {s['inputs']}  outputs {s['outputs']}")
    print("  ops: " + ", ".join(f"{k} x{v}" for k, v in s["ops"].items()))
    print(f"  parameters {s['parameters']:,} (+ {s['bn_buffers']:,} BN running stats), "
          f"{s['initializers']} initializers, MACs/image {s['macs']:,}")


# ---------------------------------------------------------------- interpreter

def attrs(node) -> dict:
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def pad_nchw(x, pads, value=0.0):
    """pads in ONNX order for the two spatial axes: [top, left, bottom, right]."""
    t, l, b, r = pads
    return np.pad(x, ((0, 0), (0, 0), (t, b), (l, r)), constant_values=value)


def windows(x, kh, kw, sh, sw):
    """[N,C,H,W] -> [N,C,Ho,Wo,kh,kw] strided view."""
    v = np.lib.stride_tricks.sliding_window_view(x, (kh, kw), axis=(2, 3))
    return v[:, :, ::sh, ::sw]


def conv(x, w, b, a):
    kh, kw = w.shape[2:]
    if a.get("group", 1) != 1 or any(d != 1 for d in a.get("dilations", [1, 1])):
        raise NotImplementedError("Conv with group or dilation")
    if a.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
        raise NotImplementedError("Conv auto_pad")
    pads = a.get("pads", [0, 0, 0, 0])
    sh, sw = a.get("strides", [1, 1])
    win = windows(pad_nchw(x, (pads[0], pads[1], pads[2], pads[3])), kh, kw, sh, sw)
    y = np.einsum("nchwij,ocij->nohw", win, w, optimize=True)
    if b is not None:
        y += b[None, :, None, None]
    return y.astype(np.float32)


def pool(x, a, kind):
    if a.get("ceil_mode", 0) or a.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
        raise NotImplementedError(f"{kind} with ceil_mode/auto_pad")
    kh, kw = a["kernel_shape"]
    sh, sw = a.get("strides", [1, 1])
    pads = a.get("pads", [0, 0, 0, 0])
    if kind == "MaxPool":
        return windows(pad_nchw(x, pads, -np.inf), kh, kw, sh, sw).max(axis=(4, 5))
    total = windows(pad_nchw(x, pads), kh, kw, sh, sw).sum(axis=(4, 5))
    if a.get("count_include_pad", 0) or not any(pads):
        return (total / np.float32(kh * kw)).astype(np.float32)
    ones = np.ones((1, 1) + x.shape[2:], np.float32)
    count = windows(pad_nchw(ones, pads), kh, kw, sh, sw).sum(axis=(4, 5))
    return (total / count).astype(np.float32)


def as_2d(x, a, weight=None):
    """A 1-D op ([N,C,L] input, 1-D kernel) as the 2-D one with H = 1: returns the lifted input, attributes, weight."""
    a = dict(a)
    if "kernel_shape" in a:
        a["kernel_shape"] = [1] + list(a["kernel_shape"])
    if "strides" in a:
        a["strides"] = [1] + list(a["strides"])
    if "pads" in a:
        p = list(a["pads"])
        a["pads"] = [0, p[0], 0, p[1]]
    return x[:, :, None, :], a, (None if weight is None else weight[:, :, None, :])


def recurrent(op, ins, a):
    """ONNX RNN (Relu or Tanh) or LSTM (default activations), forward, layout 0: X [L, N, F] -> (Y [L, 1, N, H], Y_h [1, N, H])."""
    if a.get("direction", b"forward") not in (b"forward", "forward") or a.get("layout", 0) != 0:
        raise NotImplementedError(f"{op}: only the forward direction in layout 0")
    x, w, r = ins[0], ins[1][0], ins[2][0]
    gates = w.shape[0]
    hidden = r.shape[1]
    b = ins[3][0] if len(ins) > 3 and ins[3] is not None else np.zeros(2 * gates, np.float32)
    h = ins[5][0] if len(ins) > 5 and ins[5] is not None else np.zeros((x.shape[1], hidden), np.float32)
    c = np.zeros_like(h)
    ys = []
    for t in range(x.shape[0]):
        g = x[t] @ w.T + h @ r.T + b[:gates] + b[gates:]
        if op == "RNN":
            act = a.get("activations", [b"Tanh"])[0]
            h = np.maximum(g, np.float32(0)) if act in (b"Relu", "Relu") else np.tanh(g)
        else:
            sig = lambda v: (1.0 / (1.0 + np.exp(-v.astype(np.float64)))).astype(np.float32)
            i, o, f, cc = (g[:, k * hidden:(k + 1) * hidden] for k in range(4))
            c = sig(f) * c + sig(i) * np.tanh(cc)
            h = sig(o) * np.tanh(c)
        ys.append(h)
    y = np.stack(ys)[:, None]
    return y.astype(np.float32), h[None].astype(np.float32)


def run(model: onnx.ModelProto, x: np.ndarray) -> np.ndarray:
    graph = model.graph
    env = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    env[graph.input[0].name] = x
    for node in graph.node:
        a = attrs(node)
        ins = [env[i] if i else None for i in node.input]
        op = node.op_type
        if op in ("Identity", "Dropout"):
            out = ins[0]
        elif op == "Constant":
            out = numpy_helper.to_array(a["value"])
        elif op == "Relu":
            out = np.maximum(ins[0], np.float32(0))
        elif op == "LeakyRelu":
            out = np.where(ins[0] >= 0, ins[0], np.float32(a.get("alpha", 0.01)) * ins[0]).astype(np.float32)
        elif op == "Add":
            out = ins[0] + ins[1]
        elif op == "Sub":
            out = ins[0] - ins[1]
        elif op == "Mul":
            out = ins[0] * ins[1]
        elif op == "Div":
            out = ins[0] / ins[1]
        elif op == "Flatten":
            axis = a.get("axis", 1)
            out = ins[0].reshape(int(np.prod(ins[0].shape[:axis])), -1)
        elif op == "Reshape":
            shape = [ins[0].shape[i] if s == 0 else s for i, s in enumerate(ins[1].tolist())]
            out = ins[0].reshape(shape)
        elif op == "Shape":
            out = np.array(ins[0].shape, np.int64)
        elif op == "Gather":
            out = np.take(ins[0], ins[1], axis=a.get("axis", 0))
        elif op == "Unsqueeze":
            out = np.expand_dims(ins[0], tuple(ins[1].tolist()))
        elif op == "Concat":
            out = np.concatenate(ins, axis=a["axis"])
        elif op == "Gemm":
            A = ins[0].T if a.get("transA", 0) else ins[0]
            B = ins[1].T if a.get("transB", 0) else ins[1]
            out = np.float32(a.get("alpha", 1.0)) * (A @ B)
            if len(ins) > 2 and ins[2] is not None:
                out = out + np.float32(a.get("beta", 1.0)) * ins[2]
        elif op == "MatMul":
            out = ins[0] @ ins[1]
        elif op == "Conv" and ins[0].ndim == 3:
            xx, aa, w = as_2d(ins[0], a, ins[1])
            out = conv(xx, w, ins[2] if len(ins) > 2 else None, aa)[:, :, 0, :]
        elif op == "Conv":
            out = conv(ins[0], ins[1], ins[2] if len(ins) > 2 else None, a)
        elif op == "Transpose":
            out = np.transpose(ins[0], a.get("perm"))
        elif op == "Floor":
            out = np.floor(ins[0])
        elif op == "Clip":
            lo = a.get("min", -np.inf) if len(ins) < 2 or ins[1] is None else ins[1]
            hi = a.get("max", np.inf) if len(ins) < 3 or ins[2] is None else ins[2]
            out = np.clip(ins[0], np.float32(lo), np.float32(hi)).astype(ins[0].dtype)
        elif op == "Cast":
            out = ins[0].astype(onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[a["to"]])
        elif op == "Sigmoid":
            out = (1.0 / (1.0 + np.exp(-ins[0].astype(np.float64)))).astype(np.float32)
        elif op == "Tanh":
            out = np.tanh(ins[0])
        elif op == "Squeeze":
            axes = a.get("axes") if "axes" in a else (ins[1].tolist() if len(ins) > 1 else None)
            out = np.squeeze(ins[0], tuple(axes) if axes is not None else None)
        elif op == "BatchNormalization":
            xx, scale, bias, mean, var = ins
            eps = np.float32(a.get("epsilon", 1e-5))
            k = (scale / np.sqrt(var + eps)).astype(np.float32)
            out = (xx - mean[None, :, None, None]) * k[None, :, None, None] + bias[None, :, None, None]
        elif op in ("MaxPool", "AveragePool") and ins[0].ndim == 3:
            xx, aa, _ = as_2d(ins[0], a)
            out = pool(xx, aa, op)[:, :, 0, :]
        elif op in ("MaxPool", "AveragePool"):
            out = pool(ins[0], a, op)
        elif op == "Pad":
            mode = a.get("mode", b"constant")
            if mode not in (b"constant", "constant"):
                raise NotImplementedError(f"Pad mode {mode}")
            pads = ins[1].tolist()
            rank = ins[0].ndim
            value = ins[2].item() if len(ins) > 2 and ins[2] is not None else 0.0
            out = np.pad(ins[0], [(pads[i], pads[i + rank]) for i in range(rank)], constant_values=value)
        elif op == "GlobalAveragePool":
            out = ins[0].mean(axis=(2, 3), keepdims=True)
        elif op == "ReduceMean":
            axes = tuple(a["axes"])
            out = ins[0].mean(axis=axes, keepdims=bool(a.get("keepdims", 1)))
        elif op == "Softmax":
            axis = a.get("axis", -1)
            e = np.exp(ins[0] - ins[0].max(axis=axis, keepdims=True))
            out = (e / e.sum(axis=axis, keepdims=True)).astype(np.float32)
        elif op == "Erf":
            out = np.vectorize(math.erf, otypes=[np.float64])(ins[0].astype(np.float64)).astype(np.float32)
        elif op == "Pow":
            out = np.power(ins[0], ins[1]).astype(ins[0].dtype)
        elif op == "Sqrt":
            out = np.sqrt(ins[0])
        elif op == "Split":
            axis = a.get("axis", 0)
            sizes = ins[1].tolist() if len(ins) > 1 and ins[1] is not None else a.get("split")
            if sizes is None:
                sizes = [ins[0].shape[axis] // len(node.output)] * len(node.output)
            parts = np.split(ins[0], np.cumsum(sizes)[:-1], axis=axis)
            for name, part in zip(node.output[1:], parts[1:]):
                env[name] = part
            out = parts[0]
        elif op == "Slice":
            starts, ends = ins[1].tolist(), ins[2].tolist()
            axes = ins[3].tolist() if len(ins) > 3 and ins[3] is not None else list(range(len(starts)))
            steps = ins[4].tolist() if len(ins) > 4 and ins[4] is not None else [1] * len(starts)
            index = [slice(None)] * ins[0].ndim
            for s0, e0, ax, st in zip(starts, ends, axes, steps):
                index[ax] = slice(s0, e0, st)
            out = ins[0][tuple(index)]
        elif op == "Expand":
            out = ins[0] * np.ones(tuple(ins[1].tolist()), dtype=ins[0].dtype)
        elif op == "Equal":
            out = np.equal(ins[0], ins[1])
        elif op == "Where":
            out = np.where(ins[0], ins[1], ins[2])
        elif op == "LayerNormalization":
            axis = a.get("axis", -1)
            axes = tuple(range(axis % ins[0].ndim, ins[0].ndim))
            mean = ins[0].mean(axis=axes, keepdims=True)
            var = ((ins[0] - mean) ** 2).mean(axis=axes, keepdims=True)
            out = (ins[0] - mean) / np.sqrt(var + np.float32(a.get("epsilon", 1e-5))) * ins[1]
            if len(ins) > 2 and ins[2] is not None:
                out = out + ins[2]
        elif op == "ConstantOfShape":
            value = numpy_helper.to_array(a["value"]) if "value" in a else np.zeros(1, np.float32)
            out = np.full(tuple(ins[0].tolist()), value.reshape(-1)[0], dtype=value.dtype)
        elif op in ("RNN", "LSTM"):
            y, h_last = recurrent(op, ins, a)
            if len(node.output) > 1 and node.output[1]:
                env[node.output[1]] = h_last
            out = y
        else:
            raise NotImplementedError(f"node '{node.name}': op {op} is not supported by this interpreter")
        env[node.output[0]] = np.asarray(out, dtype=out.dtype if hasattr(out, "dtype") else np.float32)
    return env[graph.output[0].name]


def read_idx(path: pathlib.Path) -> np.ndarray:
    """Reads a gzipped unsigned-byte IDX file."""
    raw = gzip.decompress(path.read_bytes())
    zero, dtype, ndim = struct.unpack_from(">HBB", raw, 0)
    if zero != 0 or dtype != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    dims = struct.unpack_from(f">{ndim}I", raw, 4)
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def evaluate(model: onnx.ModelProto, folder: pathlib.Path, batch: int = 500):
    images = read_idx(folder / "t10k-images-idx3-ubyte.gz")
    labels = read_idx(folder / "t10k-labels-idx1-ubyte.gz")
    x = (images.astype(np.float32) / np.float32(255.0))[:, None]
    preds = np.concatenate([run(model, x[i:i + batch]).argmax(1) for i in range(0, len(x), batch)])
    return int((preds == labels).sum()), len(labels), preds


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("models", nargs="+", type=pathlib.Path)
    p.add_argument("--json", action="store_true", help="print the summaries as JSON")
    p.add_argument("--eval", type=pathlib.Path, metavar="DIR", help="IDX folder whose t10k set to evaluate on")
    args = p.parse_args()
    summaries = []
    for path in args.models:
        s = summarize(path)
        if args.eval:
            correct, total, _ = evaluate(onnx.load(str(path)), args.eval)
            s["onnx_test_correct"], s["onnx_test_total"] = correct, total
        summaries.append(s)
        if not args.json:
            print_summary(s)
            if args.eval:
                print(f"  ONNX (NumPy interpreter) on {args.eval}: {correct}/{total} = {100.0 * correct / total:.2f}%")
    if args.json:
        print(json.dumps(summaries, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
