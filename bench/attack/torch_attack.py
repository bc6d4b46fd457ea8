#!/usr/bin/python3
"""PyTorch reference for `ann2snn attack`: FGSM, PGD (L-inf) and PGD-L2 on the ANN, same definitions, ANN accuracy per eps.

  /usr/bin/python3 bench/attack/torch_attack.py MODEL.onnx --data mnist|fashion-mnist --method fgsm|pgd|pgd-l2 \
      --eps 0.02,0.05,0.1 [--steps 20 --step-size A] [--limit N] [--batch 250] [--threads 2] [--json]

The model is the ONNX graph run by bench/attack/onnx_torch.py (float32). The data are the bundled test images (data/).
Definitions (u = pixels / 255 in [0, 1]; the model sees (u - mean) / std, with mean/std from models/results.json when the
model was trained on normalized input, laid out as its ONNX input takes them; L = cross-entropy on the logits summed over
the batch, logits = the graph output or the input of a final Softmax; sign(0) = 0; all in float32):
  FGSM      u' = clamp(u + eps * sign(grad_u L), 0, 1)
  PGD L-inf no random start: u_0 = u; u_{k+1} = clamp(clamp(u_k + a * sign(grad L(u_k)), u - eps, u + eps), 0, 1)
  PGD L2    g = grad L(u_k); v = u_k + a * g / ||g||_2 (per image; no step where ||g|| = 0); d = v - u;
            d = d * min(1, eps / ||d||_2); u_{k+1} = clamp(u + d, 0, 1)
  step size a: --step-size, or 2.5 * eps / steps (computed in float32, as ann2snn does)
  accuracy  argmax of the logits (first index on ties) against the label
"""
import argparse
import json
import pathlib
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import onnx_torch  # noqa: E402


def loss_gradient(net, u, y, mean, std):
    """(grad_u of the summed cross-entropy, logits) at u."""
    u = u.detach().clone().requires_grad_(True)
    z = net.logits(onnx_torch.to_model_input(u, net, mean, std))
    loss = F.cross_entropy(z, y, reduction="sum")
    (g,) = torch.autograd.grad(loss, u)
    return g, z.detach()


def per_image_norm(t):
    return t.reshape(t.shape[0], -1).norm(dim=1).reshape(-1, *([1] * (t.dim() - 1)))


def attack(net, u, y, method, eps, steps, alpha, mean, std):
    """The adversarial images for the batch u [N, 28, 28] in [0, 1]."""
    e = torch.tensor(eps, dtype=u.dtype)
    if eps == 0:
        return u
    if method == "fgsm":
        g, _ = loss_gradient(net, u, y, mean, std)
        return torch.clamp(u + e * torch.sign(g), 0, 1)
    a = torch.tensor(alpha, dtype=u.dtype)
    lo, hi = u - e, u + e
    x = u.clone()
    for _ in range(steps):
        g, _ = loss_gradient(net, x, y, mean, std)
        if method == "pgd":
            x = torch.clamp(torch.minimum(torch.maximum(x + a * torch.sign(g), lo), hi), 0, 1)
        else:
            n = per_image_norm(g)
            step = torch.where(n > 0, a * g / torch.where(n > 0, n, torch.ones_like(n)), torch.zeros_like(g))
            d = x + step - u
            dn = per_image_norm(d)
            scale = torch.where(dn > e, e / torch.where(dn > 0, dn, torch.ones_like(dn)), torch.ones_like(dn))
            x = torch.clamp(u + d * scale, 0, 1)
    return x


def predictions(net, u, mean, std):
    with torch.no_grad():
        z = net.logits(onnx_torch.to_model_input(u, net, mean, std))
    return z.numpy().argmax(1)  # NumPy's argmax: the first index on ties


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model", type=pathlib.Path)
    p.add_argument("--data", choices=["mnist", "fashion-mnist"], help="default: the model's data set in results.json")
    p.add_argument("--method", choices=["fgsm", "pgd", "pgd-l2"], required=True)
    p.add_argument("--eps", required=True, help="comma-separated budgets, e.g. 0.02,0.05,0.1")
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--step-size", type=float)
    p.add_argument("--limit", type=int, default=0, help="the first N test images (0: all)")
    p.add_argument("--batch", type=int, default=250)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--json", action="store_true")
    p.add_argument("--out", type=pathlib.Path, help="also write the JSON here, rewritten after each eps (partial runs keep their rows)")
    args = p.parse_args()
    eps_list = [float(e) for e in args.eps.split(",")]
    if any(not (e >= 0) for e in eps_list):
        p.error(f"--eps {args.eps}: every eps must be a number >= 0")
    if args.method != "fgsm" and args.steps < 1:
        p.error(f"--steps {args.steps}: must be at least 1")
    if args.step_size is not None and not args.step_size > 0:
        p.error(f"--step-size {args.step_size}: must be > 0")
    torch.set_num_threads(args.threads)
    net = onnx_torch.OnnxTorch(args.model, torch.float32).eval()
    data = args.data or onnx_torch.dataset_of(args.model)
    pixels, labels = onnx_torch.load_test(data, args.limit)
    mean, std = onnx_torch.normalization(args.model)
    images = torch.from_numpy(pixels.astype(np.float32) / np.float32(255.0))
    targets = torch.from_numpy(labels)
    steps = 1 if args.method == "fgsm" else args.steps
    rows = []
    clean = None
    for eps in [0.0] + eps_list:
        if eps == 0.0 and clean is not None:
            continue
        if args.method == "fgsm":
            alpha = np.float32(eps)
        else:
            alpha = np.float32(args.step_size) if args.step_size is not None else np.float32(2.5) * np.float32(eps) / np.float32(steps)
        start = time.perf_counter()
        correct = 0
        for i in range(0, len(labels), args.batch):
            u, y = images[i:i + args.batch], targets[i:i + args.batch]
            adv = attack(net, u, y, args.method, float(np.float32(eps)), steps, float(alpha), mean, std)
            correct += int((predictions(net, adv, mean, std) == labels[i:i + args.batch]).sum())
        seconds = time.perf_counter() - start
        row = {"eps": eps, "alpha": float(alpha), "ann_accuracy": correct / len(labels), "correct": correct,
               "seconds": round(seconds, 2)}
        if eps == 0.0:
            clean = row
        else:
            rows.append(row)
        if args.out:
            args.out.write_text(json.dumps(report(args, data, steps, len(labels), mean, std, clean, rows), indent=1) + "\n")
        if not args.json:
            print(f"eps {eps:<6g} alpha {float(alpha):<10.6g} ANN accuracy {100 * correct / len(labels):6.2f} % "
                  f"({correct}/{len(labels)})  {seconds:8.1f} s", flush=True)
    if args.json:
        print(json.dumps(report(args, data, steps, len(labels), mean, std, clean, rows), indent=1))
    return 0


def report(args, data, steps, images, mean, std, clean, rows) -> dict:
    return {"model": args.model.stem, "data": data, "method": args.method, "steps": steps, "images": images,
            "mean": mean, "std": std, "threads": args.threads, "batch": args.batch, "torch": torch.__version__,
            "command": " ".join(["/usr/bin/python3"] + sys.argv), "clean": clean, "results": rows}


if __name__ == "__main__":
    sys.exit(main())
