#!/usr/bin/env python3
"""Writes models/MODELS.md from models/results.json (written by train.py) and the .onnx files.

  python3 models/write_models_md.py [--eval]   # --eval also runs each .onnx on the bundled test set
"""
import argparse
import json
import pathlib
import sys

import onnx

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import inspect_onnx  # noqa: E402

ARCH = {
    "mnist_mlp": [
        "Flatten → Linear(784, 512) → ReLU → Linear(512, 512) → ReLU → Linear(512, 10).",
    ],
    "mnist_lenet_bn": [
        "Conv(1→32, 3×3, pad 1, bias) → BatchNorm → ReLU → MaxPool(2)",
        "→ Conv(32→64, 3×3, pad 1, bias) → BatchNorm → ReLU → AvgPool(2)",
        "→ Flatten(64·7·7 = 3136) → Linear(3136, 128) → ReLU → Dropout(0.25) → Linear(128, 10).",
        "In the export, AvgPool2d comes out as `Pad` (all-zero pads, from a `Constant`) + `AveragePool`,"
        " and Dropout disappears (eval mode).",
    ],
    "mnist_resnet_mini": [
        "Stem: Conv(1→16, 3×3, pad 1, no bias) → BatchNorm → ReLU.",
        "layer1: basic block 16→16 (conv3×3-BN-ReLU-conv3×3-BN, identity shortcut, Add, ReLU).",
        "layer2: basic block 16→32, stride 2 in its first conv; shortcut Conv(16→32, 1×1, stride 2) → BatchNorm.",
        "layer3: basic block 32→32 with identity shortcut.",
        "AdaptiveAvgPool2d(1) (→ `GlobalAveragePool`) → Flatten → Linear(32, 10).",
        "In the export, `layer2.shortcut.1.bias` is an `Identity` of `layer2.bn2.bias`: the two BN biases"
        " feed the same Add, so they receive identical gradients from the same zero start and end up"
        " bit-identical; the exporter de-duplicates equal initializers that way.",
    ],
    "fmnist_vgg": [
        "[Conv(3×3, pad 1, no bias) → BatchNorm → ReLU] ×2 with 32 channels → MaxPool(2)",
        "→ [Conv(3×3, pad 1, no bias) → BatchNorm → ReLU] ×2 with 64 channels → MaxPool(2)",
        "→ Flatten(3136) → Linear(3136, 256) → ReLU → Dropout(0.3) → Linear(256, 10).",
        "Dropout disappears in the export (eval mode).",
    ],
}

AUG = {
    "shift": "random translation by up to ±2 pixels in x and y (zero fill)",
    "flip": "random horizontal flip (p = 0.5)",
    "none": "none",
}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--eval", action="store_true", help="also evaluate each .onnx with the NumPy interpreter")
    args = p.parse_args()
    results = json.loads((HERE / "results.json").read_text())
    root = HERE.parent
    rows, sections = [], []
    for name in ARCH:
        r = results[name]
        s = inspect_onnx.summarize(HERE / f"{name}.onnx")
        pct = 100.0 * r["test_correct"] / r["test_total"]
        onnx_line = ""
        if args.eval:
            correct, total, _ = inspect_onnx.evaluate(onnx.load(str(HERE / f"{name}.onnx")), root / "data" / r["dataset"])
            onnx_line = (f"- ONNX graph run by `inspect_onnx.py --eval data/{r['dataset']}` (NumPy): "
                         f"**{correct}/{total}**\n")
        rows.append(f"| `{name}.onnx` | {r['dataset']} | {r['parameters']:,} | {s['macs']:,} | "
                    f"{r['test_correct']}/{r['test_total']} | {pct:.2f}% | {r['epochs']} | {r['train_seconds']:.0f} s |")
        ops = ", ".join(f"`{k}` ×{v}" for k, v in s["ops"].items())
        log = "; ".join(f"epoch {e['epoch']}: loss {e['loss']:.4f}, test {e['test_correct']}" for e in r["log"])
        arch = "\n".join(f"  {line}" if i else f"- Architecture: {line}" for i, line in enumerate(ARCH[name]))
        sections.append(f"""## {name}

{arch}
- Input `input` {s['inputs']['input']} float32 in [0, 1]; output `logits` {s['outputs']['logits']} (no softmax).
- ONNX ops ({s['nodes']} nodes): {ops}
- Parameters: {r['parameters']:,} trainable in PyTorch; the graph holds {s['initializers']} initializers with
  {s['parameters']:,} trainable values (after de-duplication) + {s['bn_buffers']:,} BatchNorm running statistics.
- MACs per image (Conv + Gemm): {s['macs']:,}
- Training: {r['dataset']} full training set (60,000), {r['epochs']} epochs, batch {r['batch']}, {r['optimizer']}
  (weight decay {r['weight_decay']:g}) with {r['schedule']} (max lr {r['max_lr']:g}), augmentation: {AUG[r['augmentation']]};
  seed {r['seed']}, torch {r['torch']}, CPU, {r['threads']} threads, {r['train_seconds']:.0f} s.
  Per epoch: {log}.
- Test accuracy (PyTorch, eval mode, full 10,000-image test set): **{r['test_correct']}/{r['test_total']} = {pct:.2f}%**
{onnx_line}- Export check: the ONNX graph (NumPy interpreter) matches PyTorch on the first 1,000 test images,
  same arg-max everywhere, max |logit difference| {r.get('onnx_vs_torch_max_abs_diff', float('nan')):.2e}.
""")
    text = f"""# Model zoo

Small networks trained with `models/train.py` (PyTorch {results[next(iter(ARCH))]['torch']}, CPU) and exported with
`torch.onnx.export`: opset 13, input `input` of shape [N, 1, 28, 28], output `logits` of shape [N, 10],
dynamic batch axis `batch`. Inputs are pixel / 255 in [0, 1], no mean/std normalisation; outputs are raw
logits (no softmax). The models were exported in eval mode with `training=TrainingMode.PRESERVE` and
`do_constant_folding=False`, so BatchNormalization nodes stay in the graph, and the graphs are kept
exactly as the exporter wrote them (no simplification) — as users' exports look.

| model | data | parameters | MACs/image | test correct | accuracy | epochs | train time |
| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |
{chr(10).join(rows)}

Test accuracy is on the full 10,000-image official test set (the same images as `data/<set>/t10k-*`).
Train times are wall-clock on a 2-core machine shared with other jobs, so only roughly comparable
(uncontended, an fmnist_vgg epoch takes about 65 s rather than the ~185 s recorded here).
Software: Debian's python3-torch 1.13.1+dfsg-4 (it reports `torch.__version__` = 1.13.0a0 and
producer "pytorch 1.13.0" in the files), python3-onnx 1.12.0; onnxruntime was not available, so the
graphs were checked with the small NumPy interpreter in `inspect_onnx.py`.

Reproduce: `scripts/fetch-data.sh && python3 models/train.py && python3 models/write_models_md.py --eval`
(fixed seed, deterministic algorithms, 2 threads). Ops, parameter and MAC counts come from
`models/inspect_onnx.py`.

{chr(10).join(sections)}"""
    (HERE / "MODELS.md").write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
