#!/usr/bin/python3
"""Reference for `ann2snn bench`: simulates a converted network (.snn) the way PyTorch SNN libraries do,
a dense multi-step IF simulation with torch ops, and prints images/s and accuracy at T.

Usage: /usr/bin/python3 bench/torch_reference.py NET.snn DATA_DIR --timesteps 32 --images 1000 [--batch 256] [--json]

Semantics (as the ann2snn simulators): per step, layers in order, each reading its sources' spikes of the same
step; IF charge v += dt*I, fire v >= theta, reset by subtraction; v0 = initial_fraction*theta; analog input (the
input projections' current is computed once, with the bias); WTA max pooling (output count follows the max of the
window's cumulative input counts); membrane readout (accumulated current, prediction = argmax, first on ties).
"""
import argparse, gzip, json, statistics, struct, sys, time, zipfile
import numpy as np
import torch
import torch.nn.functional as F


class Unsupported(Exception):
    pass


def load_snn(path):
    with zipfile.ZipFile(path) as z:
        m = json.loads(z.read("manifest.json"))
        def blob(ref):
            a = np.frombuffer(z.read(ref["entry"]), dtype="<f4").astype(np.float32)
            return torch.from_numpy(a.reshape(ref["shape"]).copy())
        layers = []
        for i, e in enumerate(m["layers"]):
            kind = e["kind"]
            layer = {"kind": kind, "name": e["name"], "shape": tuple(e["shape"])}
            if kind in ("neurons", "readout"):
                if kind == "neurons":
                    n = e["neuron"]
                    if n["kind"] != "if": raise Unsupported(f"layer {e['name']}: {n['kind']} neurons (only IF)")
                    if n["reset"] != "by_subtraction": raise Unsupported(f"layer {e['name']}: reset {n['reset']} (only by_subtraction)")
                    if n["refractory_steps"] != 0: raise Unsupported(f"layer {e['name']}: refractory period")
                    if n.get("signed_spikes"): raise Unsupported(f"layer {e['name']}: signed spikes")
                    layer["theta"] = float(n["v_threshold"])
                    layer["v0"] = float(n["initial_fraction"]) * float(n["v_threshold"])
                    layer["dt"] = float(n["dt"])
                layer["bias"] = blob(e["bias"]).reshape(layer["shape"])
                layer["projections"] = []
                for p in e["projections"]:
                    if p["source"] >= i: raise Unsupported(f"layer {e['name']}: source {p['source']} is not an earlier layer")
                    if p["source"] >= 0 and m["layers"][p["source"]]["kind"] == "readout": raise Unsupported("projection from a readout")
                    layer["projections"].append((p["source"], [compile_op(o, blob) for o in p["ops"]]))
            elif kind == "maxpool":
                if e["scheme"] != "winner_take_all": raise Unsupported(f"layer {e['name']}: max-pool scheme {e['scheme']} (only winner_take_all)")
                w = e["window"]
                if w["dilation"] != [1, 1] or w["ceil_mode"]: raise Unsupported(f"layer {e['name']}: dilated or ceil-mode max pooling")
                layer["source"] = e["source"]
                layer["window"] = w
            else:
                raise Unsupported(f"layer kind {kind}")
            layers.append(layer)
        if layers[-1]["kind"] != "readout": raise Unsupported("a spiking output layer (only the membrane readout)")
        return m, layers


def pad_args(pads):
    top, left, bottom, right = pads
    return (left, right, top, bottom)


def compile_op(o, blob):
    kind, out_shape = o["kind"], tuple(o["output_shape"])
    if kind == "conv":
        w, win, g = blob(o["weight"]), o["window"], o["groups"]
        pads = win["pads"]
        sym = pads[0] == pads[2] and pads[1] == pads[3]
        def conv(x):
            if not sym:
                x, pad = F.pad(x, pad_args(pads)), (0, 0)
            else:
                pad = (pads[0], pads[1])
            return F.conv2d(x, w, None, tuple(win["stride"]), pad, tuple(win["dilation"]), g)
        return conv
    if kind == "dense":
        w = blob(o["weight"])
        return lambda x: F.linear(x.reshape(x.shape[0], -1), w)
    if kind == "avgpool":
        win = o["window"]
        top, left, bottom, right = win["pads"]
        if win["dilation"] != [1, 1]: raise Unsupported("dilated average pooling")
        if top != bottom or left != right or 2 * top > win["kernel"][0] or 2 * left > win["kernel"][1]:
            raise Unsupported("average pooling with asymmetric or oversized pads")
        k, s, cip, ceil = tuple(win["kernel"]), tuple(win["stride"]), bool(o["count_include_pad"]), win["ceil_mode"]
        return lambda x: F.avg_pool2d(x, k, s, (top, left), ceil, cip)
    if kind == "reshape":
        return lambda x: x.reshape((x.shape[0],) + out_shape)
    if kind == "scale":
        sc = blob(o["scale"]).reshape(-1)
        if sc.numel() == 1 or sc.numel() == int(np.prod(out_shape)):
            sc = sc.reshape((1,) if sc.numel() == 1 else (1,) + out_shape)
        else:
            sc = sc.reshape((1, -1) + (1,) * (len(out_shape) - 1))
        return lambda x: x * sc
    if kind == "concat":
        off = o["channel_offset"]
        def place(x):
            y = x.new_zeros((x.shape[0],) + out_shape)
            y[:, off:off + x.shape[1]] = x
            return y
        return place
    raise Unsupported(f"synaptic op {kind}")


def apply(ops, x):
    for op in ops:
        x = op(x)
    return x


def simulate(layers, x, T):
    """Predictions at T for one batch x [N, C, H, W]."""
    n = x.shape[0]
    const, v, spikes, cin, cout = {}, {}, {}, {}, {}
    for i, l in enumerate(layers):
        if l["kind"] == "maxpool":
            src = layers[l["source"]]["shape"]
            cin[i] = x.new_zeros((n,) + src)
            cout[i] = x.new_zeros((n,) + l["shape"])
            continue
        c = l["bias"].unsqueeze(0).expand((n,) + l["shape"]).clone()
        for s, ops in l["projections"]:
            if s == -1: c += apply(ops, x)  # analog input: constant over the run
        const[i] = c
        v[i] = x.new_full((n,) + l["shape"], l.get("v0", 0.0))
    for _ in range(T):
        for i, l in enumerate(layers):
            if l["kind"] == "maxpool":
                w = l["window"]
                src = spikes[l["source"]]
                after = F.pad(cin[i] + src, pad_args(w["pads"]))  # counts are >= 0: zero pads never win
                m = F.max_pool2d(after, tuple(w["kernel"]), tuple(w["stride"]))
                fire = (m > cout[i]).to(x.dtype)
                cout[i] += fire
                cin[i] += src
                spikes[i] = fire
                continue
            cur = const[i]
            for s, ops in l["projections"]:
                if s != -1: cur = cur + apply(ops, spikes[s])
            if l["kind"] == "readout":
                v[i] += cur
                continue
            v[i] += l["dt"] * cur
            s = (v[i] >= l["theta"]).to(x.dtype)
            v[i] -= s * l["theta"]
            spikes[i] = s
    return v[len(layers) - 1].reshape(n, -1).argmax(dim=1)


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("snn"); ap.add_argument("data")
    ap.add_argument("--timesteps", type=int, default=32); ap.add_argument("--images", type=int, default=1000)
    ap.add_argument("--batch", type=int, default=256); ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repetitions", type=int, default=3); ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    try:
        manifest, layers = load_snn(a.snn)
    except Unsupported as e:
        print(f"torch_reference: unsupported network: {e}", file=sys.stderr)
        return 2
    if manifest.get("metadata", {}).get("input_encoding", "analog") != "analog":
        print("torch_reference: unsupported network: only analog input", file=sys.stderr)
        return 2
    images = read_idx(f"{a.data}/t10k-images-idx3-ubyte.gz")[:a.images].astype(np.float32) / 255.0
    labels = torch.from_numpy(read_idx(f"{a.data}/t10k-labels-idx1-ubyte.gz")[:a.images].astype(np.int64))
    x_all = torch.from_numpy(images).reshape((len(images),) + tuple(manifest["input_shape"]))
    batches = [(x_all[i:i + a.batch], labels[i:i + a.batch]) for i in range(0, len(x_all), a.batch)]
    with torch.no_grad():
        simulate(layers, x_all[:32], a.timesteps)  # warm-up
        times, correct = [], 0
        for _ in range(a.repetitions):
            t0 = time.perf_counter()
            correct = sum(int((simulate(layers, xb, a.timesteps) == yb).sum()) for xb, yb in batches)
            times.append(time.perf_counter() - t0)
    sec = statistics.median(times)
    out = {"images": len(x_all), "timesteps": a.timesteps, "batch": a.batch, "threads": a.threads, "seconds": sec,
           "images_per_second": len(x_all) / sec, "accuracy": correct / len(x_all), "torch": torch.__version__}
    if a.json:
        print(json.dumps(out))
    else:
        print(f"PyTorch {torch.__version__} ({a.threads} threads): {out['images_per_second']:.1f} images/s, accuracy at T={a.timesteps}: {100 * out['accuracy']:.2f} %")
    return 0


if __name__ == "__main__":
    sys.exit(main())
