#!/usr/bin/python3
"""PyTorch's forward + backward speed for the attacks: images/s of the input gradient of the summed cross-entropy.

  /usr/bin/python3 bench/attack/torch_speed.py [--models mnist_lenet_bn,fmnist_vgg] [--batches 64,256] [--rounds 5]
      [--images 1024] [--threads 2] [--out FILE]

Per model and batch size: one warm-up batch, then --rounds rounds, the configurations interleaved (round 1 of every
configuration, then round 2, ...), each round timing --images images (rounded up to whole batches) of forward through the
ONNX graph (bench/attack/onnx_torch.py, float32), cross-entropy summed over the batch, and backward to the input (no
parameter gradients: requires_grad only on the input, as an attack needs). Prints JSON: the median images/s, every round,
the median images per CPU second of this process (all its threads together: less sensitive to a shared machine), and the
load average before and after (the machine is shared; a high load means the images/s are a floor).
"""
import argparse
import json
import os
import pathlib
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import onnx_torch  # noqa: E402


def one_round(net, x, y, images):
    """(wall seconds, process CPU seconds, images) to take the input gradient of `images` images (whole batches of x)."""
    batches = -(-images // x.shape[0])
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(batches):
        xi = x.detach().requires_grad_(True)
        loss = F.cross_entropy(net.logits(xi), y, reduction="sum")
        torch.autograd.grad(loss, xi)
    return time.perf_counter() - start, time.process_time() - cpu, batches * x.shape[0]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--models", default="mnist_lenet_bn,fmnist_vgg")
    p.add_argument("--batches", default="64,256")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--images", type=int, default=1024)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--out", type=pathlib.Path)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    configs = []
    for name in args.models.split(","):
        path = onnx_torch.MODELS / f"{name}.onnx"
        net = onnx_torch.OnnxTorch(path, torch.float32).eval()
        for p_ in net.parameters():
            p_.requires_grad_(False)
        pixels, labels = onnx_torch.load_test(onnx_torch.dataset_of(path), max(int(b) for b in args.batches.split(",")))
        u = torch.from_numpy(pixels.astype(np.float32) / np.float32(255.0))
        mean, std = onnx_torch.normalization(path)
        for b in (int(b) for b in args.batches.split(",")):
            x = onnx_torch.to_model_input(u[:b], net, mean, std).contiguous()
            y = torch.from_numpy(labels[:b])
            one_round(net, x, y, b)  # warm-up
            configs.append({"model": name, "batch": b, "net": net, "x": x, "y": y, "rounds": [], "cpu": []})
    load_before = os.getloadavg()
    for _ in range(args.rounds):
        for c in configs:
            seconds, cpu, images = one_round(c["net"], c["x"], c["y"], args.images)
            c["rounds"].append(images / seconds)
            c["cpu"].append(images / cpu)
    load_after = os.getloadavg()
    result = {
        "what": "forward + backward (input gradient of the summed cross-entropy), images/s, PyTorch",
        "torch": torch.__version__, "threads": args.threads, "images_per_round": args.images, "rounds": args.rounds,
        "load_average_before": [round(v, 2) for v in load_before], "load_average_after": [round(v, 2) for v in load_after],
        "command": " ".join(["/usr/bin/python3"] + sys.argv),
        "results": [{"model": c["model"], "batch": c["batch"], "median_images_per_s": round(statistics.median(c["rounds"]), 1),
                     "rounds_images_per_s": [round(r, 1) for r in c["rounds"]],
                     "median_images_per_cpu_s": round(statistics.median(c["cpu"]), 1)} for c in configs],
    }
    text = json.dumps(result, indent=1)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
