#!/usr/bin/python3
"""PyTorch BPTT references for the differentiable simulation (tests/Ann2Snn.Tests/Training/TorchBpttAgreementTests.cs).

Run once with Debian's torch 1.13: /usr/bin/python3 bench/training/make_bptt_fixtures.py
Writes tests/Ann2Snn.Tests/Fixtures/training/*.json: a small spiking network (weights, neurons), images, labels, and the
loss, spike totals and gradients of every parameter after T steps, computed with autograd in float32.

The network, as the converter builds such networks (see TrainableNetwork / BpttChunk for the same equations):
  a    [2,6,6]  population, conv 3x3 pad 1 from the analog input (its current constant over the steps), per-channel bias
  pool [2,3,3]  winner-take-all max pool 2x2 of a: out_t = M_t - M_{t-1}, M_t = maxpool(cumulative spike counts of a)
  b    [8]      population, dense from pool (flattened) + dense from avgpool 2x2 of a (flattened): a residual sum
  out  [3]      readout, dense from b: V = sum_t I_t, logits z = V / T, loss = mean cross-entropy
Neurons: u = charge(v, I) (IF: v + g*I; LIF: rest + (v - rest)*a + g*I), s = H(u - theta) with a surrogate derivative,
reset by subtraction (v = u - s*theta) or to zero (v = (1 - s)*u + s*V_reset); s in the reset detached on request.
"""
import json, math, os
import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "Ann2Snn.Tests", "Fixtures", "training")


def surrogate(kind, k):
    class Spike(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return (x >= 0).to(x.dtype)

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            if kind == "fast-sigmoid":
                d = 1.0 / (1.0 + k * x.abs()) ** 2
            elif kind == "atan":
                d = (k / 2) / (1 + (math.pi / 2 * k * x) ** 2)
            else:
                d = k * torch.clamp(1 - k * x.abs(), min=0)
            return g * d
    return Spike.apply


def neuron(spec):
    """Constants as the C# neuron models compute them, in float32."""
    f = np.float32
    if spec["model"] == "lif":
        decay = f(np.exp(f(-1.0) / f(spec["tau"])))
        gain = f(spec["r"]) * (f(1) - decay)
        rest = f(spec["rest"])
    else:
        decay, gain, rest = f(1), f(1), f(0)
    return dict(spec, decay=float(decay), gain=float(gain), reset_v=float(rest))


def dyadic(rng, shape, limit, steps=8):
    return (rng.integers(-steps, steps + 1, size=shape) * (limit / steps)).astype(np.float32)


def run(name, seed, T, kind, slope, detach, learn, na, nb):
    rng = np.random.default_rng(seed)
    n = 3
    x = (rng.integers(0, 17, size=(n, 1, 6, 6)) / 16).astype(np.float32)
    y = rng.integers(0, 3, size=n)
    p = {
        "a/p0.conv0/weight": dyadic(rng, (2, 1, 3, 3), 1.0),
        "a/bias": dyadic(rng, (2,), 0.25),
        "b/p0.dense1/weight": dyadic(rng, (8, 18), 0.5),
        "b/p1.dense2/weight": dyadic(rng, (8, 18), 0.5),
        "b/bias": dyadic(rng, (8,), 0.125),
        "out/p0.dense0/weight": dyadic(rng, (3, 8), 0.5),
        "out/bias": dyadic(rng, (3,), 0.125),
    }
    na, nb = neuron(na), neuron(nb)
    p["a/threshold"] = np.array([na["theta"]], np.float32)
    p["b/threshold"] = np.array([nb["theta"]], np.float32)
    t = {k: torch.tensor(v, requires_grad=True) for k, v in p.items()}
    spike = surrogate(kind, slope)
    xt = torch.tensor(x)

    def charge(spec, v, i):
        if spec["model"] == "lif":
            return spec["reset_v"] + (v - spec["reset_v"]) * spec["decay"] + spec["gain"] * i
        return v + spec["gain"] * i

    def fire_reset(spec, u, theta):
        s = spike(u - theta)
        r = s.detach() if detach else s
        v = u - r * theta if spec["reset"] == "subtract" else (1 - r) * u + r * spec["reset_v"]
        return s, v

    th_a = t["a/threshold"] if learn else t["a/threshold"].detach()
    th_b = t["b/threshold"] if learn else t["b/threshold"].detach()
    va = na["reset_v"] + na["frac"] * (th_a - na["reset_v"]) + torch.zeros(n, 2, 6, 6)
    vb = nb["reset_v"] + nb["frac"] * (th_b - nb["reset_v"]) + torch.zeros(n, 8)
    ia = F.conv2d(xt, t["a/p0.conv0/weight"], padding=1) + t["a/bias"].view(1, 2, 1, 1)
    counts = torch.zeros(n, 2, 6, 6)
    m_prev = torch.zeros(n, 2, 3, 3)
    V = torch.zeros(n, 3)
    totals = {"a": 0.0, "pool": 0.0, "b": 0.0}
    for _ in range(T):
        sa, va = fire_reset(na, charge(na, va, ia), th_a)
        counts = counts + sa
        m = F.max_pool2d(counts, 2)
        pool = m - m_prev
        m_prev = m
        ib = (F.linear(pool.flatten(1), t["b/p0.dense1/weight"]) + F.linear(F.avg_pool2d(sa, 2).flatten(1), t["b/p1.dense2/weight"])
              + t["b/bias"])
        sb, vb = fire_reset(nb, charge(nb, vb, ib), th_b)
        V = V + F.linear(sb, t["out/p0.dense0/weight"]) + t["out/bias"]
        totals["a"] += float(sa.sum()); totals["pool"] += float(pool.sum()); totals["b"] += float(sb.sum())
    z = V / T
    loss = F.cross_entropy(z, torch.tensor(y))
    loss.backward()
    grads = {k: (v.grad if v.grad is not None else torch.zeros_like(v)).flatten().tolist() for k, v in t.items()}
    if not learn:
        grads.pop("a/threshold"); grads.pop("b/threshold")
    fixture = {
        "name": name, "timesteps": T, "surrogate": kind, "slope": slope, "detach_reset": detach, "learn_thresholds": learn,
        "neurons": {"a": na, "b": nb},
        "x": x.flatten().tolist(), "labels": y.tolist(),
        "parameters": {k: v.flatten().tolist() for k, v in p.items()},
        "loss": float(loss), "spikes": totals, "gradients": grads,
    }
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(fixture, f)
    print(name, "loss", float(loss), totals)


if __name__ == "__main__":
    IF = {"model": "if", "theta": 1.0, "reset": "subtract", "frac": 0.0}
    IF_HALF = {"model": "if", "theta": 0.75, "reset": "subtract", "frac": 0.5}
    IF_ZERO = {"model": "if", "theta": 0.5, "reset": "zero", "frac": 0.0}
    LIF_ZERO = {"model": "lif", "theta": 1.0, "reset": "zero", "frac": 0.0, "tau": 4.0, "r": 2.0, "rest": -0.125}
    LIF_SUB = {"model": "lif", "theta": 0.5, "reset": "subtract", "frac": 0.5, "tau": 8.0, "r": 4.0, "rest": 0.0}

    os.makedirs(OUT, exist_ok=True)
    run("if_atan", 1, 4, "atan", 2.0, False, False, IF, IF)
    run("if_fast_sigmoid_detach", 2, 5, "fast-sigmoid", 4.0, True, False, IF_HALF, IF)
    run("if_triangle_thresholds", 3, 4, "triangle", 1.0, False, True, IF_HALF, IF_ZERO)
    run("lif_atan_thresholds", 4, 6, "atan", 2.0, False, True, LIF_SUB, LIF_ZERO)
    run("lif_zero_fast_sigmoid", 5, 3, "fast-sigmoid", 2.0, False, False, LIF_ZERO, LIF_SUB)
    run("mixed_triangle_detach_thresholds", 6, 8, "triangle", 0.5, True, True, IF_ZERO, LIF_SUB)
