#!/usr/bin/python3
"""PyTorch BPTT reference for `ann2snn finetune`'s training throughput: the same converted network (.snn), the same
forward (IF neurons, reset by subtraction, analog input, winner-take-all max pooling as out_t = M_t - M_{t-1} of the
cumulative counts, membrane readout, logits = V/T), the atan surrogate (slope 2), mean cross-entropy, Adam; images/s
of training (forward + backward + update) over the first N training images, batch B, after one warm-up batch.

Usage: /usr/bin/python3 bench/training/torch_bptt.py NET.snn DATA_DIR --timesteps 4 --images 1280 [--batch 64] [--json]
"""
import argparse, json, math, os, sys, time
import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import torch_reference as ref  # noqa: E402  (its .snn loader and synaptic ops)
sys.path.insert(0, os.path.dirname(__file__))
import make_bptt_fixtures  # noqa: E402


def spike_fn(slope):
    """The atan surrogate of make_bptt_fixtures (the function the gradient fixtures were made with)."""
    return make_bptt_fixtures.surrogate("atan", slope)


def load_trainable(path):
    """The reference loader, with every tensor it reads made a leaf that requires grad (weights, biases)."""
    created, from_numpy = [], torch.from_numpy
    def leaf(a):
        t = from_numpy(a).requires_grad_(True)
        created.append(t)
        return t
    torch.from_numpy = leaf
    try:
        manifest, layers = ref.load_snn(path)
    finally:
        torch.from_numpy = from_numpy
    return manifest, layers, created


def forward(layers, x, T, spike):
    n = x.shape[0]
    const, v, spikes, counts, prev = {}, {}, {}, {}, {}
    for i, l in enumerate(layers):
        if l["kind"] == "maxpool":
            counts[i] = x.new_zeros((n,) + layers[l["source"]]["shape"])
            prev[i] = x.new_zeros((n,) + l["shape"])
            continue
        c = l["bias"].unsqueeze(0).expand((n,) + l["shape"])
        for s, ops in l["projections"]:
            if s == -1: c = c + ref.apply(ops, x)
        const[i] = c
        v[i] = x.new_full((n,) + l["shape"], l.get("v0", 0.0))
    for _ in range(T):
        for i, l in enumerate(layers):
            if l["kind"] == "maxpool":
                w = l["window"]
                counts[i] = counts[i] + spikes[l["source"]]
                m = F.max_pool2d(F.pad(counts[i], ref.pad_args(w["pads"])), tuple(w["kernel"]), tuple(w["stride"]))
                spikes[i] = m - prev[i]
                prev[i] = m
                continue
            cur = const[i]
            for s, ops in l["projections"]:
                if s != -1: cur = cur + ref.apply(ops, spikes[s])
            if l["kind"] == "readout":
                v[i] = v[i] + cur
                continue
            u = v[i] + l["dt"] * cur
            s = spike(u - l["theta"])
            v[i] = u - s * l["theta"]
            spikes[i] = s
    return v[len(layers) - 1].reshape(n, -1) / T


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("snn"); ap.add_argument("data")
    ap.add_argument("--timesteps", type=int, default=4); ap.add_argument("--images", type=int, default=1280)
    ap.add_argument("--batch", type=int, default=64); ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--lr", type=float, default=1e-3); ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    manifest, layers, params = load_trainable(a.snn)
    images = ref.read_idx(f"{a.data}/train-images-idx3-ubyte.gz")[:a.images + a.batch].astype(np.float32) / 255.0
    labels = torch.from_numpy(ref.read_idx(f"{a.data}/train-labels-idx1-ubyte.gz")[:a.images + a.batch].astype(np.int64))
    x_all = torch.from_numpy(images).reshape((len(images),) + tuple(manifest["input_shape"]))
    opt = torch.optim.Adam(params, lr=a.lr)
    spike = spike_fn(2.0)
    def step(xb, yb):
        opt.zero_grad()
        loss = F.cross_entropy(forward(layers, xb, a.timesteps, spike), yb)
        loss.backward()
        opt.step()
        return float(loss)
    step(x_all[:a.batch], labels[:a.batch])  # warm-up
    t0 = time.perf_counter()
    for i in range(a.batch, a.batch + a.images, a.batch):
        loss = step(x_all[i:i + a.batch], labels[i:i + a.batch])
    sec = time.perf_counter() - t0
    out = {"images": a.images, "timesteps": a.timesteps, "batch": a.batch, "threads": a.threads, "seconds": sec,
           "images_per_second": a.images / sec, "last_loss": loss, "peak_rss_mib": ref_rss(), "torch": torch.__version__}
    print(json.dumps(out) if a.json else f"PyTorch {torch.__version__}: {out['images_per_second']:.1f} training images/s at T={a.timesteps}")
    return 0


def ref_rss():
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    sys.exit(main())
