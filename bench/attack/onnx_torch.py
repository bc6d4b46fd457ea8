#!/usr/bin/python3
"""A small ONNX -> PyTorch interpreter: runs a zoo model with torch.nn.functional ops, autograd-capable, in float32 or
float64, so PyTorch's gradients can be taken through exactly the graph ann2snn imports (no onnxruntime, no model code).

  /usr/bin/python3 bench/attack/onnx_torch.py models/mnist_lenet_bn.onnx [--dtype float64] [--check]
      prints the test-set accuracy of the ONNX graph run by this interpreter; --check compares it with PyTorch's count
      recorded in models/results.json (test_correct) and exits 1 on a difference. `--check` with no model checks all.

Ops: Conv (1-D, 2-D), Gemm, MatMul, Relu, Sigmoid, Tanh, MaxPool, AveragePool, GlobalAveragePool, Pad (constant),
BatchNormalization (inference), Add/Sub/Mul/Div, Floor, Clip, Cast, Flatten, Reshape, Transpose, Softmax, Identity,
Constant. Anything else is refused by name. Nodes whose inputs are all constants are folded once at load.

QCFS (the chain x/lam*L+0.5 -> Floor -> /L -> Clip(0, 1) -> *lam that quantization-aware training exports) is fused into
one op whose forward is the exported chain, op for op, and whose backward is ann2snn's straight-through estimate: the
gradient passes unchanged where 0 <= x <= lam (bounds included) and is zero elsewhere. (PyTorch's own STE, floor taken as
the identity, would mask by the clamp's input, the quantized level, which differs from x near 0 and lam.) A Floor outside
that chain is torch.floor, whose gradient is zero.
"""
import argparse
import json
import pathlib
import sys

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper

ROOT = pathlib.Path(__file__).resolve().parents[2]
MODELS = ROOT / "models"
DATA = ROOT / "data"

sys.path.insert(0, str(MODELS))
from inspect_onnx import read_idx  # noqa: E402  (the IDX reader beside the zoo's NumPy interpreter)


class Unsupported(Exception):
    """The model has an op (or an attribute value) this interpreter does not run."""


# ---------------------------------------------------------------- data

def load_test(dataset: str, limit: int = 0):
    """The bundled test split (the official 10,000 images): uint8 pixels [N, 28, 28] and int64 labels [N]."""
    folder = DATA / dataset
    images = read_idx(folder / "t10k-images-idx3-ubyte.gz")
    labels = read_idx(folder / "t10k-labels-idx1-ubyte.gz").astype(np.int64)
    if limit:
        images, labels = images[:limit], labels[:limit]
    return images, labels


def zoo_record(model_path: pathlib.Path) -> dict:
    """The model's entry in models/results.json (empty when it has none)."""
    results = json.loads((MODELS / "results.json").read_text())
    return results.get(model_path.stem, {})


def dataset_of(model_path: pathlib.Path) -> str:
    return zoo_record(model_path).get("dataset") or ("fashion-mnist" if model_path.stem.startswith("fmnist_") else "mnist")


# ---------------------------------------------------------------- helpers

def attributes(node) -> dict:
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def torch_pads(onnx_pads) -> list:
    """ONNX pads [b1, b2, ..., e1, e2, ...] (first axis first) -> F.pad's (b_last, e_last, ..., b_first, e_first)."""
    n = len(onnx_pads) // 2
    out = []
    for axis in reversed(range(n)):
        out += [int(onnx_pads[axis]), int(onnx_pads[axis + n])]
    return out


def spatial_pads(name: str, a: dict, spatial: int):
    """(symmetric pads per spatial axis, or None with the F.pad list when begin != end)."""
    if a.get("auto_pad", b"NOTSET") not in (b"NOTSET", b"VALID", "NOTSET", "VALID"):
        raise Unsupported(f"node '{name}': auto_pad={a['auto_pad']!r} (use explicit pads)")
    pads = list(a.get("pads", [0] * (2 * spatial)))
    begin, end = pads[:spatial], pads[spatial:]
    if begin == end:
        return tuple(begin), None
    return (0,) * spatial, torch_pads(pads)  # F.pad pads the last (spatial) axes


class QcfsSte(torch.autograd.Function):
    """y = lam * clip(floor(x / lam * L + shift) / L, 0, 1) in the exported op order; dy/dx = 1 where 0 <= x <= lam."""

    @staticmethod
    def forward(ctx, x, lam, levels, shift):
        ctx.save_for_backward(x, lam)
        q = torch.floor(x / lam * levels + shift) / levels
        return torch.clamp(q, 0, 1) * lam

    @staticmethod
    def backward(ctx, grad):
        x, lam = ctx.saved_tensors
        return grad * ((x >= 0) & (x <= lam)).to(grad.dtype), None, None, None


# ---------------------------------------------------------------- the interpreter

class OnnxTorch(torch.nn.Module):
    """An ONNX graph as a torch module. forward(x) takes the model's input as the ONNX file declares it (batch first) and
    returns the graph's output; `logits(x)` returns the value the logit losses are taken on (the output, or the input of
    a final Softmax, as ann2snn's AnnGradients)."""

    def __init__(self, path, dtype=torch.float32):
        super().__init__()
        model = onnx.load(str(path))
        graph = model.graph
        self.path = pathlib.Path(path)
        self.dtype = dtype
        self.consts = {}
        for init in graph.initializer:
            self.consts[init.name] = self._tensor(numpy_helper.to_array(init))
        inputs = [i for i in graph.input if i.name not in self.consts]
        if len(inputs) != 1:
            raise Unsupported(f"{path}: {len(inputs)} graph inputs (expected one)")
        self.input_name = inputs[0].name
        self.input_shape = [d.dim_value for d in inputs[0].type.tensor_type.shape.dim[1:]]
        self.output_name = graph.output[0].name
        producers = {o: n for n in graph.node for o in n.output}
        out_node = producers.get(self.output_name)
        self.logits_name = out_node.input[0] if out_node is not None and out_node.op_type == "Softmax" else self.output_name
        self.nodes = []
        for node in self._fuse_qcfs(list(graph.node)):
            if node[0] != "Qcfs" and all(i == "" or i in self.consts for i in node[2]):
                values = self._run(node, self.consts)
                self.consts.update(zip(node[3], values))
            else:
                self.nodes.append(node)

    def _tensor(self, a: np.ndarray) -> torch.Tensor:
        t = torch.from_numpy(np.array(a, copy=True))
        return t.to(self.dtype) if t.is_floating_point() else t

    def _fuse_qcfs(self, nodes):
        """(op, name, inputs, outputs, attributes) per node, with each exported QCFS chain replaced by one 'Qcfs' op."""
        producers = {o: n for n in nodes for o in n.output}
        consumers = {}
        for n in nodes:
            for i in n.input:
                consumers.setdefault(i, []).append(n)

        def scalar(name):
            n = producers.get(name)
            if name in self.consts:
                t = self.consts[name]
            elif n is not None and n.op_type == "Constant":
                t = self._tensor(numpy_helper.to_array(attributes(n)["value"]))
            elif n is not None and n.op_type == "Cast":
                return scalar(n.input[0])
            else:
                return None
            return float(t.reshape(-1)[0]) if t.numel() == 1 else None

        def only_consumer(name, op):
            c = consumers.get(name, [])
            return c[0] if len(c) == 1 and c[0].op_type == op and name != self.output_name else None

        dropped, fused = set(), {}
        for floor in (n for n in nodes if n.op_type == "Floor"):
            add = producers.get(floor.input[0])
            mul = producers.get(add.input[0]) if add is not None and add.op_type == "Add" else None
            div = producers.get(mul.input[0]) if mul is not None and mul.op_type == "Mul" else None
            div2 = only_consumer(floor.output[0], "Div")
            clip = only_consumer(div2.output[0], "Clip") if div2 is not None else None
            mul2 = only_consumer(clip.output[0], "Mul") if clip is not None else None
            if div is None or div.op_type != "Div" or mul2 is None:
                continue
            chain = [div, mul, add, floor, div2, clip, mul2]
            if any(only_consumer(n.output[0], m.op_type) is None for n, m in zip(chain[:3], chain[1:4])):
                continue
            lam, levels, shift = div.input[1], scalar(mul.input[1]), scalar(add.input[1])
            ok = (levels is not None and scalar(div2.input[1]) == levels and shift is not None and mul2.input[1] == lam
                  and scalar(clip.input[1]) == 0.0 and scalar(clip.input[2]) == 1.0 and lam in self.consts)
            if not ok:
                continue
            dropped.update(id(n) for n in chain)
            fused[id(mul2)] = ("Qcfs", mul2.name, [div.input[0], lam], [mul2.output[0]], {"levels": levels, "shift": shift})
        out = []
        for n in nodes:
            if id(n) in fused:
                out.append(fused[id(n)])
            elif id(n) not in dropped:
                out.append((n.op_type, n.name, list(n.input), list(n.output), attributes(n)))
        return out

    def run_all(self, x: torch.Tensor) -> dict:
        env = dict(self.consts)
        env[self.input_name] = x
        for node in self.nodes:
            env.update(zip(node[3], self._run(node, env)))
        return env

    def forward(self, x):
        return self.run_all(x)[self.output_name]

    def logits(self, x):
        return self.run_all(x)[self.logits_name]

    def _run(self, node, env):
        op, name, names, _, a = node
        x = [env[i] if i != "" else None for i in names]
        if op == "Qcfs":
            return [QcfsSte.apply(x[0], x[1], a["levels"], a["shift"])]
        if op == "Constant":
            if "value" not in a:
                raise Unsupported(f"node '{name}' (Constant): only the 'value' attribute")
            return [self._tensor(numpy_helper.to_array(a["value"]))]
        if op == "Identity":
            return [x[0]]
        if op == "Cast":
            to = a["to"]
            if to in (onnx.TensorProto.FLOAT, onnx.TensorProto.DOUBLE, onnx.TensorProto.FLOAT16):
                return [x[0].to(self.dtype)]
            if to in (onnx.TensorProto.INT64, onnx.TensorProto.INT32):
                return [x[0].to(torch.int64)]
            raise Unsupported(f"node '{name}' (Cast): to={to}")
        if op in ("Add", "Sub", "Mul", "Div"):
            f = {"Add": torch.add, "Sub": torch.sub, "Mul": torch.mul, "Div": torch.div}[op]
            return [f(x[0], x[1])]
        if op == "Relu":
            return [torch.relu(x[0])]
        if op == "LeakyRelu":
            return [F.leaky_relu(x[0], float(a.get("alpha", 0.01)))]
        if op == "Sigmoid":
            return [torch.sigmoid(x[0])]
        if op == "Tanh":
            return [torch.tanh(x[0])]
        if op == "Floor":
            return [torch.floor(x[0])]
        if op == "Clip":
            lo = x[1] if len(x) > 1 and x[1] is not None else a.get("min")
            hi = x[2] if len(x) > 2 and x[2] is not None else a.get("max")
            lo = float(lo) if lo is not None else None
            hi = float(hi) if hi is not None else None
            return [torch.clamp(x[0], lo, hi)]
        if op == "Softmax":
            return [torch.softmax(x[0], dim=a.get("axis", -1))]
        if op == "Flatten":
            axis = a.get("axis", 1) % max(1, x[0].dim())
            return [x[0].reshape(int(np.prod(x[0].shape[:axis])), -1)]
        if op == "Reshape":
            if a.get("allowzero", 0):
                raise Unsupported(f"node '{name}' (Reshape): allowzero=1")
            shape = [int(s) for s in x[1].tolist()]
            shape = [x[0].shape[i] if s == 0 else s for i, s in enumerate(shape)]
            return [x[0].reshape(shape)]
        if op == "Transpose":
            perm = a.get("perm", list(reversed(range(x[0].dim()))))
            return [x[0].permute(*perm)]
        if op == "Gemm":
            A = x[0].t() if a.get("transA", 0) else x[0]
            B = x[1].t() if a.get("transB", 0) else x[1]
            y = a.get("alpha", 1.0) * (A @ B)
            if len(x) > 2 and x[2] is not None:
                y = y + a.get("beta", 1.0) * x[2]
            return [y]
        if op == "MatMul":
            return [torch.matmul(x[0], x[1])]
        if op == "BatchNormalization":
            if a.get("training_mode", 0):
                raise Unsupported(f"node '{name}' (BatchNormalization): training_mode=1")
            return [F.batch_norm(x[0], x[3], x[4], x[1], x[2], training=False, eps=a.get("epsilon", 1e-5))]
        if op == "Pad":
            mode = a.get("mode", b"constant")
            mode = mode.decode() if isinstance(mode, bytes) else mode
            if mode != "constant":
                raise Unsupported(f"node '{name}' (Pad): mode={mode}")
            value = float(x[2]) if len(x) > 2 and x[2] is not None else 0.0
            return [F.pad(x[0], torch_pads(x[1].tolist()), value=value)]
        if op == "Conv":
            spatial = x[0].dim() - 2
            if spatial not in (1, 2):
                raise Unsupported(f"node '{name}' (Conv): {spatial}-D")
            pad, explicit = spatial_pads(name, a, spatial)
            inp = F.pad(x[0], explicit) if explicit else x[0]
            conv = F.conv2d if spatial == 2 else F.conv1d
            return [conv(inp, x[1], x[2] if len(x) > 2 else None, stride=tuple(a.get("strides", [1] * spatial)),
                         padding=pad, dilation=tuple(a.get("dilations", [1] * spatial)), groups=a.get("group", 1))]
        if op in ("MaxPool", "AveragePool"):
            spatial = x[0].dim() - 2
            if spatial not in (1, 2):
                raise Unsupported(f"node '{name}' ({op}): {spatial}-D")
            if len(node[3]) > 1:
                raise Unsupported(f"node '{name}' (MaxPool): the Indices output")
            pad, explicit = spatial_pads(name, a, spatial)
            k = tuple(a["kernel_shape"])
            s = tuple(a.get("strides", [1] * spatial))
            ceil = bool(a.get("ceil_mode", 0))
            if op == "MaxPool":
                if any(d != 1 for d in a.get("dilations", [1] * spatial)):
                    raise Unsupported(f"node '{name}' (MaxPool): dilations")
                inp = F.pad(x[0], explicit, value=float("-inf")) if explicit else x[0]
                pool = F.max_pool2d if spatial == 2 else F.max_pool1d
                return [pool(inp, k, s, pad, ceil_mode=ceil)]
            if explicit:
                raise Unsupported(f"node '{name}' (AveragePool): asymmetric pads")
            pool = F.avg_pool2d if spatial == 2 else F.avg_pool1d
            return [pool(x[0], k, s, pad, ceil_mode=ceil, count_include_pad=bool(a.get("count_include_pad", 0)))]
        if op == "GlobalAveragePool":
            return [x[0].mean(dim=tuple(range(2, x[0].dim())), keepdim=True)]
        raise Unsupported(f"node '{name}': op {op} is not supported by bench/attack/onnx_torch.py")


# ---------------------------------------------------------------- input layout

def normalization(model_path: pathlib.Path):
    """(mean, std) per channel from results.json, or (None, None) when the model takes raw pixels/255."""
    r = zoo_record(model_path)
    return r.get("mean"), r.get("std")


def to_model_input(u: torch.Tensor, net: OnnxTorch, mean=None, std=None) -> torch.Tensor:
    """Images u [N, 28, 28] in [0, 1] -> the model's input: (u - mean) / std, laid out as its ONNX input declares
    ([1, 28, 28] NCHW, [28, 28, 1] NHWC, [28, 28] rows, [784] flat). Differentiable in u."""
    x = u.to(net.dtype)
    if mean is not None:
        x = (x - float(mean[0])) / float(std[0])
    shape = net.input_shape
    if shape == [1, 28, 28]:
        return x.unsqueeze(1)
    if shape == [28, 28, 1]:
        return x.unsqueeze(3)
    if shape == [28, 28]:
        return x
    if shape == [784]:
        return x.reshape(x.shape[0], 784)
    raise Unsupported(f"{net.path}: input shape {shape} (expected one of [1,28,28], [28,28,1], [28,28], [784])")


def accuracy(net: OnnxTorch, images: np.ndarray, labels: np.ndarray, mean=None, std=None, batch: int = 1000) -> int:
    correct = 0
    with torch.no_grad():
        for i in range(0, len(images), batch):
            u = torch.from_numpy(images[i:i + batch].astype(np.float32) / np.float32(255.0))
            pred = net(to_model_input(u, net, mean, std)).argmax(1).numpy()
            correct += int((pred == labels[i:i + batch]).sum())
    return correct


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("models", nargs="*", type=pathlib.Path)
    p.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    p.add_argument("--check", action="store_true", help="compare with results.json's test_correct; exit 1 on a difference")
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    models = args.models or sorted(MODELS.glob("*.onnx"))
    failed = 0
    for path in models:
        net = OnnxTorch(path, getattr(torch, args.dtype)).eval()
        images, labels = load_test(dataset_of(path))
        mean, std = normalization(path)
        correct = accuracy(net, images, labels, mean, std)
        recorded = zoo_record(path).get("test_correct")
        same = recorded is None or correct == recorded
        failed += not same
        print(f"{path.stem}: {correct}/{len(labels)} ({args.dtype}); PyTorch recorded {recorded}"
              + ("" if same else "  <-- DIFFERENT"))
    return 1 if args.check and failed else 0


if __name__ == "__main__":
    sys.exit(main())
