#!/usr/bin/env python3
"""What limits a converted ReLU RNN at a short window: a NumPy model of its arithmetic (docs/recurrent.md).

Compares, on the first N test sequences of row-sequential MNIST, the ANN with
  * a spiking model: IF neurons (threshold 1, reset by subtraction, up to B spikes a step), fed each element's current for
    W steps and their own spikes of the previous window through R (delay W), membranes clamped to [0, 1] at each window's
    start ("residue") or to [-spikes, 1] ("debt": a unit that fired more than its net input pays it back);
  * an ideal quantizer without spike timing: each window's charge rounded down to whole spikes, the residue carried
    ("residue") or dropped ("rest").
λ per hidden unit is a percentile of its states over 1,000 training sequences times a factor.

Usage: scripts/rnn-quantizer-model.py MODEL.onnx [N] [PERCENTILE] [FACTORS] [W] [B]
       e.g. scripts/rnn-quantizer-model.py models/mnist_rows_rnn.onnx 2000 99.9 0.35,0.7 32 1
Needs /usr/bin/python3 with numpy and onnx, and the full data in .cache/data (scripts/fetch-data.sh). A tool, not a test.
"""
import pathlib
import sys

import numpy as np
import onnx
from onnx import numpy_helper

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "models"))
import inspect_onnx  # noqa: E402


def load(path):
    init = {t.name: numpy_helper.to_array(t) for t in onnx.load(path).graph.initializer}
    bias = init["rnn.bias_ih_l0"] + init["rnn.bias_hh_l0"]
    return init["rnn.weight_ih_l0"], init["rnn.weight_hh_l0"], bias, init["fc.weight"], init["fc.bias"]


def images(split, n):
    raw = inspect_onnx.read_idx(ROOT / ".cache" / "data" / "mnist" / f"{split}-images-idx3-ubyte.gz")
    return raw[:n].astype(np.float32) / 255


def main():
    args = sys.argv[1:]
    model = args[0]
    n = int(args[1]) if len(args) > 1 else 2000
    pct = float(args[2]) if len(args) > 2 else 99.9
    factors = [float(v) for v in args[3].split(",")] if len(args) > 3 else [0.35, 0.7]
    window = int(args[4]) if len(args) > 4 else 32
    burst = int(args[5]) if len(args) > 5 else 1
    w, r, b, fw, fb = load(model)
    hidden = w.shape[0]

    def ann(x):
        h = np.zeros((x.shape[0], hidden), np.float32)
        states = []
        for t in range(x.shape[1]):
            h = np.maximum(0, x[:, t] @ w.T + h @ r.T + b)
            states.append(h)
        return h, np.stack(states, 1)

    _, states = ann(images("train", 1000))
    unit = np.percentile(states.reshape(-1, hidden), pct, axis=0)
    unit[unit <= 0] = unit.max()
    x = images("t10k", n)
    y = inspect_onnx.read_idx(ROOT / ".cache" / "data" / "mnist" / "t10k-labels-idx1-ubyte.gz")[:n]
    h_ann, _ = ann(x)
    ann_pred = (h_ann @ fw.T + fb).argmax(1)

    def spiking(lam, rule):
        recurrent = (r * lam[None, :] / lam[:, None]).T  # a spike of unit j, in units of unit i's threshold
        v = np.zeros((n, hidden), np.float32)
        ring = np.zeros((window, n, hidden), np.float32)
        count = np.zeros((n, hidden), np.float32)
        for t in range(x.shape[1]):
            if t > 0:
                v = np.clip(v, -count if rule == "debt" else 0, 1)
            count[:] = 0
            constant = (x[:, t] @ w.T + b) / lam
            previous = ring.copy()
            for k in range(window):
                v += constant + previous[k] @ recurrent
                s = np.clip(np.floor(v), 0, burst)
                v -= s
                ring[k] = s
                count += s
        return lam * count / window

    def ideal(lam, rule):
        h = np.zeros((n, hidden), np.float32)
        residue = np.zeros((n, hidden), np.float32)
        for t in range(x.shape[1]):
            charge = window * (x[:, t] @ w.T + b + h @ r.T) / lam
            total = charge + (np.clip(residue, 0, 1) if rule == "residue" else 0)
            count = np.clip(np.floor(total), 0, burst * window)
            residue = total - count
            h = lam * count / window
        return h

    print(f"ANN accuracy {(ann_pred == y).mean():.4f} on {n} test sequences; W = {window}, B = {burst}")
    for f in factors:
        for name, run, rules in (("spiking", spiking, ("residue", "debt")), ("ideal", ideal, ("residue", "rest"))):
            for rule in rules:
                pred = (run(unit * f, rule) @ fw.T + fb).argmax(1)
                print(f"λ ×{f} {name} {rule}: accuracy {(pred == y).mean():.4f}, agreement {(pred == ann_pred).mean():.4f}",
                      flush=True)


if __name__ == "__main__":
    main()
