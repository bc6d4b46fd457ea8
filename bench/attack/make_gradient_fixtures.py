#!/usr/bin/python3
"""Writes PyTorch's input gradients of the zoo models as small test fixtures for ann2snn's AnnGradients.

  /usr/bin/python3 bench/attack/make_gradient_fixtures.py [models/NAME.onnx ...] [--images 4]
      -> tests/Ann2Snn.Tests/Fixtures/gradients/<NAME>.json for every model given (default: every models/*.onnx)

For each model: the first N images of its test set (pixels / 255 in float32, then the mean/std normalization recorded in
models/results.json, if any, laid out as the model's ONNX input takes them), their labels, and, from the ONNX graph run
by bench/attack/onnx_torch.py, the logits and the gradient with respect to the model input of
    L = sum over the batch of cross-entropy(logits, label)
where the logits are the graph's output, or the input of a final Softmax (as AnnGradients takes them). The reference is
the float64 run (same float32 inputs, weights widened), stored as float32; a float32 run is compared with it and the
figures recorded under "float32" (how far PyTorch's own single precision is from the reference). QCFS models use the
straight-through estimate ann2snn uses (gradient passed where 0 <= x <= lam; see onnx_torch.py).
"""
import argparse
import json
import pathlib
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import onnx_torch  # noqa: E402

OUT = onnx_torch.ROOT / "tests" / "Ann2Snn.Tests" / "Fixtures" / "gradients"


def run(path: pathlib.Path, x32: torch.Tensor, labels: torch.Tensor, dtype):
    """(logits, input gradient, loss) of the summed cross-entropy, the graph run in `dtype` on the float32 input x32."""
    net = onnx_torch.OnnxTorch(path, dtype).eval()
    x = x32.to(dtype).clone().requires_grad_(True)
    z = net.logits(x)
    loss = F.cross_entropy(z, labels, reduction="sum")
    loss.backward()
    return z.detach(), x.grad.detach(), float(loss)


def floats(t: torch.Tensor) -> str:
    """A flat JSON array of float32 values, each in its shortest round-trip form."""
    return "[" + ",".join(str(v) for v in t.detach().to(torch.float32).reshape(-1).numpy()) + "]"


def fixture(path: pathlib.Path, images: int) -> tuple:
    pixels, labels = onnx_torch.load_test(onnx_torch.dataset_of(path), images)
    mean, std = onnx_torch.normalization(path)
    shape_net = onnx_torch.OnnxTorch(path, torch.float32)
    u = torch.from_numpy(pixels.astype(np.float32) / np.float32(255.0))
    x32 = onnx_torch.to_model_input(u, shape_net, mean, std).contiguous()
    y = torch.from_numpy(labels)
    z64, g64, loss64 = run(path, x32, y, torch.float64)
    z32, g32, _ = run(path, x32, y, torch.float32)
    gmax = float(g64.abs().max())
    head = {
        "model": path.stem,
        "dataset": onnx_torch.dataset_of(path),
        "images": images,
        "input_shape": shape_net.input_shape,
        "mean": mean,
        "std": std,
        "labels": labels.tolist(),
        "loss": loss64,
        "torch": torch.__version__,
        "qcfs_ste": any(n[0] == "Qcfs" for n in shape_net.nodes),
        "float32": {
            "max_abs_logit_diff": float((z32.double() - z64).abs().max()),
            "max_abs_gradient_diff_over_max_abs_gradient": float((g32.double() - g64).abs().max()) / gmax if gmax else 0.0,
        },
    }
    body = json.dumps(head, indent=1)[:-2]
    text = (body + f',\n "input": {floats(x32)},\n "logits": {floats(z64)},\n "gradient": {floats(g64)}\n}}\n')
    return text, head


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("models", nargs="*", type=pathlib.Path)
    p.add_argument("--images", type=int, default=4)
    p.add_argument("--out", type=pathlib.Path, default=OUT)
    args = p.parse_args()
    torch.set_num_threads(2)
    args.out.mkdir(parents=True, exist_ok=True)
    for path in args.models or sorted(onnx_torch.MODELS.glob("*.onnx")):
        text, head = fixture(path, args.images)
        json.loads(text)  # well-formed
        (args.out / f"{path.stem}.json").write_text(text)
        f32 = head["float32"]
        print(f"{path.stem}: loss {head['loss']:.6f}; torch float32 vs float64: logits {f32['max_abs_logit_diff']:.2e}, "
              f"gradient {f32['max_abs_gradient_diff_over_max_abs_gradient']:.2e} of max |g|"
              + (" (QCFS straight-through)" if head["qcfs_ste"] else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
