#!/usr/bin/env python3
"""Trains the model zoo on CPU and exports each network to ONNX.

Reads the FULL training and test sets from .cache/data (run scripts/fetch-data.sh first).
The original four models take images scaled to [0, 1] (pixel / 255) of shape [N, 1, 28, 28] as
float32 and return raw logits (no softmax). The others stand for what users export (INPUTS below):
mean/std-normalized input, a Keras-style NHWC network whose graph holds Transpose pairs, a 1-D CNN
over the rows of the image ([N, 28, 28]: 28 channels, 28 steps), and a flat [N, 784] MLP with a
Sigmoid readout. Export: opset 13, input 'input', output 'logits', dynamic batch
axis; eval mode with TrainingMode.PRESERVE and no constant folding, so BatchNormalization nodes
stay in the graph as ordinary user exports have them.

Usage: python3 models/train.py [model ...]   (default: all models; results go to models/results.json)
       python3 models/train.py --qcfs L model ...
           trains each model with every nn.ReLU replaced by a QCFS activation of L levels (quantization-
           clip-floor-shift, Bu et al. 2022: trainable upper bound, straight-through floor), as <model>_qcfs<L>.
           The zoo's mnist_lenet_qcfs is mnist_lenet_bn with QCFS, L = 8.
       python3 models/train.py --check [model ...]
           no training: loads the weights back from models/<name>.onnx into the PyTorch module,
           re-checks the test accuracy recorded in results.json and the ONNX/PyTorch agreement.
"""
import argparse
import json
import pathlib
import random
import sys
import time

import numpy as np
import onnx
import torch
from torch import nn
import torch.nn.functional as F

ROOT = pathlib.Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache" / "data"
MODELS = ROOT / "models"
THREADS = 2

sys.path.insert(0, str(MODELS))
import inspect_onnx  # noqa: E402  (NumPy ONNX interpreter and IDX reader beside this file)
read_idx = inspect_onnx.read_idx


# ---------------------------------------------------------------- data

def load_split(dataset: str, split: str):
    """Returns (images float32 [N,1,28,28] in [0,1], labels int64 [N])."""
    folder = CACHE / dataset
    images = read_idx(folder / f"{split}-images-idx3-ubyte.gz")
    labels = read_idx(folder / f"{split}-labels-idx1-ubyte.gz")
    x = torch.from_numpy(images.astype(np.float32) / np.float32(255.0)).unsqueeze(1)
    y = torch.from_numpy(labels.astype(np.int64))
    return x, y


# ---------------------------------------------------------------- models

def conv_bn(cin: int, cout: int, stride: int = 1) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False),
        nn.BatchNorm2d(cout),
        nn.ReLU(inplace=True),
    )


class MnistMlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Flatten(),
            nn.Linear(784, 512), nn.ReLU(inplace=True),
            nn.Linear(512, 512), nn.ReLU(inplace=True),
            nn.Linear(512, 10),
        )

    def forward(self, x):
        return self.net(x)


class MnistLenetBn(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(inplace=True), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(inplace=True), nn.AvgPool2d(2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(64 * 7 * 7, 128), nn.ReLU(inplace=True), nn.Dropout(0.25),
            nn.Linear(128, 10),
        )

    def forward(self, x):
        return self.classifier(self.features(x))


class BasicBlock(nn.Module):
    """conv-BN-ReLU-conv-BN plus shortcut, ReLU after the add; 1x1 conv-BN projection when shape changes."""

    def __init__(self, cin: int, cout: int, stride: int = 1):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = nn.Identity()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride=stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class MnistResnetMini(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = conv_bn(1, 16)
        self.layer1 = BasicBlock(16, 16)
        self.layer2 = BasicBlock(16, 32, stride=2)
        self.layer3 = BasicBlock(32, 32)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(32, 10)

    def forward(self, x):
        x = self.layer3(self.layer2(self.layer1(self.stem(x))))
        return self.fc(torch.flatten(self.pool(x), 1))


class FmnistVgg(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            conv_bn(1, 32), conv_bn(32, 32), nn.MaxPool2d(2),
            conv_bn(32, 64), conv_bn(64, 64), nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(64 * 7 * 7, 256), nn.ReLU(inplace=True), nn.Dropout(0.3),
            nn.Linear(256, 10),
        )

    def forward(self, x):
        return self.classifier(self.features(x))


class FloorSte(torch.autograd.Function):
    """floor(x) forward, the identity backward (straight-through estimator); exported as one ONNX Floor."""

    @staticmethod
    def forward(ctx, x):
        return torch.floor(x)

    @staticmethod
    def backward(ctx, grad):
        return grad

    @staticmethod
    def symbolic(g, x):
        return g.op("Floor", x)


class Qcfs(nn.Module):
    """Quantization-clip-floor-shift activation (Bu et al., ICLR 2022): y = lam * clip(floor(x * L / lam + 1/2) / L, 0, 1),
    with a trainable upper bound lam per layer (initialised to 8, as in the paper's code) and L levels. Written in the
    paper's order (x / lam -> * L -> + 0.5 -> floor -> / L -> clamp(0, 1) -> * lam), which is what the export shows."""

    def __init__(self, levels: int, lam: float = 8.0):
        super().__init__()
        self.levels = levels
        self.lam = nn.Parameter(torch.tensor([lam]))

    def forward(self, x):
        x = x / self.lam
        x = FloorSte.apply(x * self.levels + 0.5) / self.levels
        return torch.clamp(x, 0, 1) * self.lam


def with_qcfs(ctor, levels: int):
    """A constructor of `ctor`'s network with every nn.ReLU module replaced by a Qcfs activation of `levels` levels."""

    def build() -> nn.Module:
        model = ctor()
        replaced = 0
        for module in list(model.modules()):
            for child_name, child in module.named_children():
                if isinstance(child, nn.ReLU):
                    setattr(module, child_name, Qcfs(levels))
                    replaced += 1
        if replaced == 0:
            raise RuntimeError(f"{ctor.__name__}: no nn.ReLU module to replace by QCFS")
        return model

    build.__name__ = f"{ctor.__name__}Qcfs{levels}"
    return build


MNIST_MEAN, MNIST_STD = 0.1307, 0.3081


class MnistCnnNorm(nn.Module):
    """A plain CNN trained on mean/std-normalized pixels (torchvision's Normalize((0.1307,), (0.3081,)))."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, 16, 5, padding=2), nn.ReLU(inplace=True), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 5, padding=2), nn.ReLU(inplace=True), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(32 * 7 * 7, 10),
        )

    def forward(self, x):
        return self.net(x)


class MnistNhwcCnn(nn.Module):
    """Takes [N, 28, 28, 1] (NHWC) and computes the way a Keras/TF export does: each convolution wrapped in
    NHWC -> NCHW -> NHWC Transposes, the element-wise ops and the flatten in NHWC."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.fc1 = nn.Linear(7 * 7 * 32, 64)
        self.fc2 = nn.Linear(64, 10)

    @staticmethod
    def nchw(x):
        return x.permute(0, 3, 1, 2)

    @staticmethod
    def nhwc(x):
        return x.permute(0, 2, 3, 1)

    def forward(self, x):
        x = F.relu(self.nhwc(self.conv1(self.nchw(x))))
        x = self.nhwc(F.max_pool2d(self.nchw(x), 2))
        x = F.relu(self.nhwc(self.conv2(self.nchw(x))))
        x = self.nhwc(F.max_pool2d(self.nchw(x), 2))
        return self.fc2(F.relu(self.fc1(torch.flatten(x, 1))))


class MnistRowsCnn1d(nn.Module):
    """A 1-D CNN over [N, 28, 28]: the image's rows as 28 channels, its columns as 28 steps."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv1d(28, 64, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool1d(2),
            nn.Conv1d(64, 64, 3, padding=1), nn.ReLU(inplace=True), nn.AvgPool1d(2),
            nn.Flatten(), nn.Linear(64 * 7, 10),
        )

    def forward(self, x):
        return self.net(x)


class MnistMlpSigmoid(nn.Module):
    """A flat [N, 784] MLP whose exported output is sigmoid(logits); trained on the logits."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(784, 256), nn.ReLU(inplace=True), nn.Linear(256, 10))
        self.readout = True

    def forward(self, x):
        logits = self.net(x)
        return torch.sigmoid(logits) if self.readout else logits


class MnistLeakyCnn(nn.Module):
    """A CNN with LeakyReLU (negative slope 0.1) activations inside: converts with signed neurons whose negative branch
    has gain 0.1."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, 16, 5, padding=2), nn.LeakyReLU(0.1), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 5, padding=2), nn.LeakyReLU(0.1), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(32 * 7 * 7, 64), nn.LeakyReLU(0.1), nn.Linear(64, 10),
        )

    def forward(self, x):
        return self.net(x)


class MnistRowsRnn(nn.Module):
    """Row-sequential MNIST: a ReLU RNN (hidden 128, recurrent weights initialised to the identity, Le et al. 2015's IRNN)
    reads the 28 rows of 28 pixels; its last hidden state feeds a linear readout."""

    clip_grad = 1.0

    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(28, 128, nonlinearity="relu", batch_first=True)
        with torch.no_grad():
            self.rnn.weight_hh_l0.copy_(torch.eye(128))
            self.rnn.bias_hh_l0.zero_()
        self.fc = nn.Linear(128, 10)

    def forward(self, x):
        _, h = self.rnn(x)
        return self.fc(h[-1])


class MnistRowsLstm(nn.Module):
    """Row-sequential MNIST: an LSTM (hidden 128) over the 28 rows; its last hidden state feeds a linear readout."""

    clip_grad = 1.0

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(28, 128, batch_first=True)
        self.fc = nn.Linear(128, 10)

    def forward(self, x):
        _, (h, _) = self.lstm(x)
        return self.fc(h[-1])


class Attention(nn.Module):
    """Multi-head self-attention written as timm writes it: one Linear for q, k and v, heads by reshape/permute,
    softmax(q kᵀ · scale) v, heads merged, an output projection."""

    def __init__(self, dim: int, heads: int):
        super().__init__()
        self.heads = heads
        self.scale = (dim // heads) ** -0.5
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, n, c = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        attn = (q @ k.transpose(-2, -1)) * self.scale
        attn = attn.softmax(dim=-1)
        x = (attn @ v).transpose(1, 2).reshape(b, n, c)
        return self.proj(x)


class Block(nn.Module):
    """A pre-norm Transformer block: x + attn(norm(x)), then x + mlp(norm(x)) with a GELU MLP."""

    def __init__(self, dim: int, heads: int, hidden: int):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim)
        self.fc1 = nn.Linear(dim, hidden)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.fc2(self.act(self.fc1(self.norm2(x))))


class MnistVit(nn.Module):
    """A small Vision Transformer: 7×7 patches (a stride-7 convolution) → 16 tokens of dimension 64, a learned class
    token and position embedding, 2 pre-norm blocks of 4 heads with a 64→128→64 GELU MLP, a final LayerNorm and a
    linear head on the class token."""

    def __init__(self, dim: int = 64, depth: int = 2, heads: int = 4, hidden: int = 128):
        super().__init__()
        self.patch = nn.Conv2d(1, dim, 7, stride=7)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embed = nn.Parameter(torch.randn(1, 17, dim) * 0.02)
        self.blocks = nn.Sequential(*[Block(dim, heads, hidden) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, 10)

    def forward(self, x):
        x = self.patch(x).flatten(2).transpose(1, 2)
        x = torch.cat((self.cls_token.expand(x.shape[0], -1, -1), x), dim=1) + self.pos_embed
        x = self.norm(self.blocks(x))
        return self.head(x[:, 0])


# How each model takes the [N, 1, 28, 28] images in [0, 1]: (transform, dummy input shape for the export, the CLI
# preprocessing flags a user passes so that `ann2snn` feeds the same).
INPUTS = {
    "nchw": (lambda x: x, (1, 1, 28, 28), ""),
    "normalized": (lambda x: (x - MNIST_MEAN) / MNIST_STD, (1, 1, 28, 28), f"--mean {MNIST_MEAN} --std {MNIST_STD}"),
    "nhwc": (lambda x: x.permute(0, 2, 3, 1), (1, 28, 28, 1), ""),
    "rows": (lambda x: x[:, 0], (1, 28, 28), ""),
    "flat": (lambda x: x.flatten(1), (1, 784), ""),
}

# name -> (constructor, dataset, epochs, max learning rate, weight decay, augmentation[, input kind])
ZOO = {
    "mnist_mlp": (MnistMlp, "mnist", 4, 2e-3, 1e-4, "shift"),
    "mnist_lenet_bn": (MnistLenetBn, "mnist", 3, 3e-3, 1e-4, "shift"),
    "mnist_resnet_mini": (MnistResnetMini, "mnist", 3, 4e-3, 1e-4, "shift"),
    "fmnist_vgg": (FmnistVgg, "fashion-mnist", 4, 3e-3, 1e-4, "flip"),
    "mnist_cnn_norm": (MnistCnnNorm, "mnist", 2, 3e-3, 1e-4, "shift", "normalized"),
    "mnist_nhwc_cnn": (MnistNhwcCnn, "mnist", 2, 3e-3, 1e-4, "shift", "nhwc"),
    "mnist_rows_cnn1d": (MnistRowsCnn1d, "mnist", 2, 3e-3, 1e-4, "shift", "rows"),
    "mnist_mlp_sigmoid": (MnistMlpSigmoid, "mnist", 2, 2e-3, 1e-4, "shift", "flat"),
    "mnist_leaky_cnn": (MnistLeakyCnn, "mnist", 2, 3e-3, 1e-4, "shift"),
    "mnist_lenet_qcfs": (with_qcfs(MnistLenetBn, 8), "mnist", 3, 3e-3, 1e-4, "shift"),
    "mnist_rows_rnn": (MnistRowsRnn, "mnist", 3, 1e-3, 1e-4, "none", "rows"),
    "mnist_rows_lstm": (MnistRowsLstm, "mnist", 1, 3e-3, 1e-4, "none", "rows"),
    "mnist_vit": (MnistVit, "mnist", 10, 2e-3, 5e-2, "shift"),
}

# Models exported a second time from the same weights at another opset, as <name>_op<opset>.onnx with their own entry in
# results.json: the ViT at opset 17 writes LayerNormalization where opset 13 writes ReduceMean/Sub/Pow/Sqrt/Div.
EXTRA_OPSETS = {"mnist_vit": (17,)}


def add_qcfs_variant(name: str, levels: int) -> str:
    """Registers `<name>_qcfs<L>`: the zoo model `name` trained the same way with QCFS activations of L levels."""
    if levels < 1:
        raise SystemExit(f"--qcfs {levels}: the number of levels must be at least 1")
    ctor, *rest = ZOO[name]
    variant = f"{name}_qcfs{levels}"
    ZOO[variant] = (with_qcfs(ctor, levels), *rest)
    return variant


def input_kind(name: str) -> str:
    return ZOO[name][6] if len(ZOO[name]) > 6 else "nchw"
BATCH = 128
SEED = 20240601


# ---------------------------------------------------------------- training

def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def augment(x: torch.Tensor, kind: str, gen: torch.Generator) -> torch.Tensor:
    n = x.shape[0]
    if kind == "flip":
        flip = torch.rand(n, generator=gen) < 0.5
        x = x.clone()
        x[flip] = x[flip].flip(-1)
        return x
    if kind == "shift":
        # Random translation by up to 2 pixels in each direction, zero fill.
        padded = F.pad(x, (2, 2, 2, 2))
        dx = torch.randint(0, 5, (n,), generator=gen)
        dy = torch.randint(0, 5, (n,), generator=gen)
        out = torch.empty_like(x)
        for sx in range(5):
            for sy in range(5):
                m = (dx == sx) & (dy == sy)
                if m.any():
                    out[m] = padded[m, :, sy:sy + 28, sx:sx + 28]
        return out
    return x


def evaluate(model: nn.Module, x: torch.Tensor, y: torch.Tensor, transform=lambda x: x):
    model.eval()
    preds = []
    with torch.no_grad():
        for i in range(0, x.shape[0], 1000):
            preds.append(model(transform(x[i:i + 1000])).argmax(1))
    preds = torch.cat(preds)
    return int((preds == y).sum()), preds


def train_one(name: str) -> dict:
    ctor, dataset, epochs, lr, wd, aug = ZOO[name][:6]
    transform, dummy_shape, flags = INPUTS[input_kind(name)]
    seed_everything(SEED)
    gen = torch.Generator().manual_seed(SEED)
    x_train, y_train = load_split(dataset, "train")
    x_test, y_test = load_split(dataset, "t10k")
    model = ctor()
    params = sum(p.numel() for p in model.parameters())
    steps_per_epoch = (x_train.shape[0] + BATCH - 1) // BATCH
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=wd)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, epochs=epochs, steps_per_epoch=steps_per_epoch)
    start = time.perf_counter()
    log = []
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(x_train.shape[0], generator=gen)
        total_loss = 0.0
        for step in range(steps_per_epoch):
            idx = order[step * BATCH:(step + 1) * BATCH]
            xb = transform(augment(x_train[idx], aug, gen))
            if hasattr(model, "readout"):
                model.readout = False  # trained on the logits; the readout is for the export
            loss = F.cross_entropy(model(xb), y_train[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            if hasattr(model, "clip_grad"):
                nn.utils.clip_grad_norm_(model.parameters(), model.clip_grad)
            opt.step()
            sched.step()
            total_loss += float(loss) * idx.numel()
        if hasattr(model, "readout"):
            model.readout = True
        correct, _ = evaluate(model, x_test, y_test, transform)
        entry = {"epoch": epoch + 1, "loss": total_loss / x_train.shape[0], "test_correct": correct,
                 "seconds": round(time.perf_counter() - start, 1)}
        log.append(entry)
        print(f"{name} epoch {epoch + 1}/{epochs}: loss {entry['loss']:.4f} "
              f"test {correct}/{x_test.shape[0]} ({entry['seconds']} s)", flush=True)
    seconds = time.perf_counter() - start
    correct, preds = evaluate(model, x_test, y_test, transform)
    path = MODELS / f"{name}.onnx"
    export(model, path, dummy_shape)
    max_diff = check_export(model, path, transform(x_test[:1000]))
    for opset in EXTRA_OPSETS.get(name, ()):
        export(model, MODELS / f"{name}_op{opset}.onnx", dummy_shape, opset)
    return {
        "name": name, "dataset": dataset, "epochs": epochs, "batch": BATCH, "optimizer": "AdamW",
        "max_lr": lr, "weight_decay": wd, "schedule": "OneCycleLR", "augmentation": aug, "seed": SEED,
        "threads": THREADS, "torch": torch.__version__, "parameters": params,
        "train_seconds": round(seconds, 1), "test_correct": correct, "test_total": int(y_test.shape[0]),
        "onnx_vs_torch_max_abs_diff": max_diff,
        "input": input_kind(name), "preprocessing": flags,
        **({"mean": [MNIST_MEAN], "std": [MNIST_STD]} if input_kind(name) == "normalized" else {}),
        **qcfs_record(model),
        "log": log,
    }


def qcfs_record(model: nn.Module) -> dict:
    """The levels L and the trained upper bounds lam of a model's QCFS activations (nothing for a ReLU model)."""
    layers = [m for m in model.modules() if isinstance(m, Qcfs)]
    if not layers:
        return {}
    return {"qcfs_levels": layers[0].levels, "qcfs_lambda": [float(m.lam) for m in layers]}


def export(model: nn.Module, path: pathlib.Path, dummy_shape=(1, 1, 28, 28), opset: int = 13) -> None:
    model.eval()
    dummy = torch.zeros(*dummy_shape)
    torch.onnx.export(
        model, dummy, str(path),
        opset_version=opset,
        input_names=["input"], output_names=["logits"],
        dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
        training=torch.onnx.TrainingMode.PRESERVE,
        do_constant_folding=False,
    )
    proto = onnx.load(str(path))
    onnx.checker.check_model(proto)
    has_bn = any(isinstance(m, nn.BatchNorm2d) for m in model.modules())
    bn_nodes = sum(1 for n in proto.graph.node if n.op_type == "BatchNormalization")
    if has_bn and bn_nodes == 0:
        raise RuntimeError(f"{path.name}: BatchNormalization nodes were folded away by the exporter")


def check_export(model: nn.Module, path: pathlib.Path, x: torch.Tensor) -> float:
    """Runs the exported graph with the NumPy interpreter of inspect_onnx.py and compares it with
    PyTorch: same arg-max on every image and logits within 1e-3. Returns the largest difference."""
    model.eval()
    with torch.no_grad():
        expected = model(x).numpy()
    got = inspect_onnx.run(onnx.load(str(path)), x.numpy())
    diff = float(np.abs(got - expected).max())
    if any(isinstance(m, Qcfs) for m in model.modules()):
        # A quantized activation jumps by lam / L where the NumPy interpreter's rounding (its BatchNorm, say) and
        # PyTorch's put a pre-activation on different sides of a level boundary: a few images may differ by such steps.
        close = float((np.abs(got - expected).max(1) <= 1e-3).mean())
        same = float((got.argmax(1) == expected.argmax(1)).mean())
        if close < 0.99 or same < 0.998:
            raise RuntimeError(f"{path.name}: ONNX graph disagrees with PyTorch ({close:.1%} of images within 1e-3, "
                               f"{same:.1%} with the same arg-max)")
        print(f"{path.name}: {close:.1%} of images within 1e-3 of PyTorch, {same:.1%} with the same arg-max", flush=True)
        return diff
    if diff > 1e-3 or not np.array_equal(got.argmax(1), expected.argmax(1)):
        raise RuntimeError(f"{path.name}: ONNX graph disagrees with PyTorch (max |diff| {diff:g})")
    return diff


def load_from_onnx(model: nn.Module, path: pathlib.Path) -> None:
    """Copies the initializers of an exported graph (names are the state_dict keys; Identity nodes
    alias de-duplicated ones) back into `model`."""
    from onnx import numpy_helper

    graph = onnx.load(str(path)).graph
    arrays = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    for node in graph.node:
        if node.op_type == "Identity" and node.input[0] in arrays:
            arrays[node.output[0]] = arrays[node.input[0]]
    state = model.state_dict()
    for key in state:
        if key.endswith("num_batches_tracked"):
            continue
        if key not in arrays:
            raise RuntimeError(f"{path.name}: no initializer for '{key}'")
        state[key] = torch.from_numpy(arrays[key].copy())
    model.load_state_dict(state)


def check_one(name: str, recorded: dict) -> dict:
    ctor, dataset, *_ = ZOO[name]
    transform = INPUTS[input_kind(name)][0]
    x_test, y_test = load_split(dataset, "t10k")
    model = ctor()
    path = MODELS / f"{name}.onnx"
    load_from_onnx(model, path)
    correct, _ = evaluate(model, x_test, y_test, transform)
    if recorded.get("test_correct") != correct:
        raise RuntimeError(f"{name}: {correct} correct now, {recorded.get('test_correct')} recorded")
    recorded["onnx_vs_torch_max_abs_diff"] = check_export(model, path, transform(x_test[:1000]))
    print(f"{name}: {correct}/{y_test.shape[0]} as recorded; ONNX vs PyTorch max |diff| "
          f"{recorded['onnx_vs_torch_max_abs_diff']:.2e}", flush=True)
    return recorded


def extra_opset_record(name: str, opset: int, record: dict) -> dict:
    """The entry of `<name>_op<opset>.onnx`: the same weights and test accuracy as `name`, checked again through the
    NumPy interpreter on this export."""
    ctor, dataset, *_ = ZOO[name]
    transform = INPUTS[input_kind(name)][0]
    x_test, y_test = load_split(dataset, "t10k")
    model = ctor()
    load_from_onnx(model, MODELS / f"{name}.onnx")
    correct, _ = evaluate(model, x_test, y_test, transform)
    if correct != record["test_correct"]:
        raise RuntimeError(f"{name}: {correct} correct after reloading, {record['test_correct']} recorded")
    path = MODELS / f"{name}_op{opset}.onnx"
    diff = check_export(model, path, transform(x_test[:1000]))
    print(f"{path.name}: opset {opset}, ONNX vs PyTorch max |diff| {diff:.2e}", flush=True)
    return {**{k: v for k, v in record.items() if k != "log"}, "name": f"{name}_op{opset}", "opset": opset,
            "weights_of": name, "onnx_vs_torch_max_abs_diff": diff}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("models", nargs="*", choices=[[]] + list(ZOO), default=[])
    parser.add_argument("--check", action="store_true", help="re-check the exported models, no training")
    parser.add_argument("--qcfs", type=int, metavar="L",
                        help="train the named models with QCFS activations of L levels instead of ReLU, as <name>_qcfs<L>")
    args = parser.parse_args()
    torch.set_num_threads(THREADS)
    torch.use_deterministic_algorithms(True)
    names = args.models or list(ZOO)
    if args.qcfs is not None:
        if not args.models:
            raise SystemExit("--qcfs L needs the names of the models to train with QCFS activations")
        names = [add_qcfs_variant(name, args.qcfs) for name in names]
    results_path = MODELS / "results.json"
    results = json.loads(results_path.read_text()) if results_path.exists() else {}
    for name in names:
        if args.check:
            results[name] = check_one(name, results.get(name, {}))
            results_path.write_text(json.dumps(results, indent=2) + "\n")
            continue
        results[name] = train_one(name)
        r = results[name]
        for opset in EXTRA_OPSETS.get(name, ()):
            results[f"{name}_op{opset}"] = extra_opset_record(name, opset, r)
        print(f"{name}: {r['test_correct']}/{r['test_total']} "
              f"({100.0 * r['test_correct'] / r['test_total']:.2f}%) in {r['train_seconds']} s", flush=True)
        results_path.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
