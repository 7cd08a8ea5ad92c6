"""Goldens for the pruning lab on a model's own weights (src/engine/labs/prune-weights-study.ts),
and for low rank on them (src/engine/labs/weight-lowrank.ts, numpy's SVD): masks, singular values
and relative weight error ||W - W_pruned|| / ||W|| per weight, computed with numpy alone, for
a Linear weight [6, 16] and a convolution weight [6, 8, 2, 2] (an embedding table and a bias ride
along and must be left out). Seeded normal values: continuous, so no ties.

Rules, as torch.nn.utils.prune and 2:4 hardware define them:
  magnitude   per tensor, the round(s * n) smallest |w| removed (l1_unstructured)
  global      one threshold over both weights (global_unstructured with L1Unstructured)
  nm 2:4      in every group of 4 consecutive values along axis 1 (the input channels), the 2
              largest |w| kept; for the conv, each (kh, kw) position groups its input channels
  channel     the round(s * rows) output channels (dim 0) of smallest L1 norm removed (ln_structured)

Run from the repository root:  python scripts/oracles/make_weight_prune_fixtures.py   (needs numpy)
"""

import json

import numpy as np

rng = np.random.default_rng(20261203)
weights = {
    "block.fc.weight": rng.standard_normal((6, 16)).astype(np.float32),
    "block.conv.weight": rng.standard_normal((6, 8, 2, 2)).astype(np.float32),
}
extra = {
    "tok_embeddings.weight": rng.standard_normal((10, 8)).astype(np.float32),
    "block.fc.bias": rng.standard_normal((6,)).astype(np.float32),
}


def count(amount, n):
    # Python's round (half to even), as torch.nn.utils.prune counts.
    return round(amount * n)


def magnitude(w, s):
    flat = np.abs(w.reshape(-1))
    mask = np.ones(flat.size, dtype=np.uint8)
    mask[np.argsort(flat, kind="stable")[: count(s, flat.size)]] = 0
    return mask.reshape(w.shape)


def global_masks(ws, s):
    flat = np.concatenate([np.abs(w.reshape(-1)) for w in ws])
    mask = np.ones(flat.size, dtype=np.uint8)
    mask[np.argsort(flat, kind="stable")[: count(s, flat.size)]] = 0
    out, o = [], 0
    for w in ws:
        out.append(mask[o : o + w.size].reshape(w.shape))
        o += w.size
    return out


def nm(w, n, m):
    # Axis 1 last, groups of m along it, the n largest |w| of each group kept.
    moved = np.moveaxis(w, 1, -1)
    groups = np.abs(moved).reshape(-1, m)
    keep = np.zeros_like(groups, dtype=np.uint8)
    order = np.argsort(-groups, axis=1, kind="stable")[:, :n]
    np.put_along_axis(keep, order, 1, axis=1)
    return np.moveaxis(keep.reshape(moved.shape), -1, 1)


def channel(w, s):
    norms = np.abs(w.reshape(w.shape[0], -1)).sum(axis=1)
    keep = np.ones(w.shape[0], dtype=np.uint8)
    keep[np.argsort(norms, kind="stable")[: min(w.shape[0] - 1, count(s, w.shape[0]))]] = 0
    return np.broadcast_to(keep.reshape((-1,) + (1,) * (w.ndim - 1)), w.shape).astype(np.uint8)


def case(method, masks):
    layers = []
    err = norm = 0.0
    zeros = total = 0
    for (name, w), mask in zip(weights.items(), masks):
        w64 = w.astype(np.float64)
        e = np.linalg.norm(w64 - w64 * mask)
        layers.append({
            "name": name,
            "mask": mask.reshape(-1).astype(int).tolist(),
            "sparsity": float(1 - mask.mean()),
            "relative_error": float(e / np.linalg.norm(w64)),
        })
        err += e**2
        norm += float((w64**2).sum())
        zeros += int(mask.size - mask.sum())
        total += mask.size
    return {"method": method, "layers": layers, "sparsity": zeros / total,
            "relative_error": float(np.sqrt(err / norm))}


ws = list(weights.values())
cases = [
    case({"kind": "magnitude", "sparsity": 0.5}, [magnitude(w, 0.5) for w in ws]),
    case({"kind": "global", "sparsity": 0.6}, global_masks(ws, 0.6)),
    case({"kind": "nm", "n": 2, "m": 4}, [nm(w, 2, 4) for w in ws]),
    case({"kind": "channel", "sparsity": 0.5}, [channel(w, 0.5) for w in ws]),
]
# Low rank of the same weights (a convolution as the matrix [out, in*kh*kw]): the singular values,
# the smallest rank keeping 90% of sum(s^2), and the relative error of that truncation.
lowrank = []
for name, w in weights.items():
    s = np.linalg.svd(w.astype(np.float64).reshape(w.shape[0], -1), compute_uv=False)
    energy = np.cumsum(s**2) / np.sum(s**2)
    k = int(np.searchsorted(energy, 0.9 * (1 - 1e-12)) + 1)
    lowrank.append({"name": name, "energy": 0.9, "spectrum": s.tolist(), "rank": k,
                    "relative_error": float(np.sqrt(np.sum(s[k:] ** 2) / np.sum(s**2)))})

fixture = {
    "tensors": {name: {"shape": list(w.shape), "data": w.reshape(-1).tolist()}
                for name, w in {**weights, **extra}.items()},
    "cases": cases,
    "lowrank": lowrank,
}
with open("tests/fixtures/oracle/weight_prune_cases.json", "w") as f:
    json.dump(fixture, f)
print(len(cases), "cases")
