"""Goldens for src/engine/lm-weights.ts: pruning and low rank of stories260K's projections, in numpy.

The checkpoint is read here with numpy (llama2.c's version-0 layout: a 7-int32 header, then the
float32 tensors in a fixed order), independently of src/formats/llama2c.ts. Two projections whose
rows llama2.c and Hugging Face store alike (no rotary permutation): layer 1's o_proj (wo, [64, 64])
and layer 0's down_proj (w2, [64, 172]), both [out, in].

  magnitude  per tensor, the round(s * n) smallest |w| removed (Python's round: half to even), equal
             magnitudes removed in index order (a stable argsort), as src/core/prune/prune.ts does
  2:4        along the input dimension: of every 4 consecutive inputs of a row the 2 largest |w|
             stay, equal magnitudes kept in index order
  low rank   numpy.linalg.svd in float64, truncated to r = ceil(fraction * min(out, in)) (0.3 of
             64: 20, not 19); after a pruning when one is given (pruning comes first)

Masks are strings of 0/1 (row-major); low-rank matrices base64 float32 (row-major).

Run from the repository root:  python scripts/oracles/make_lm_prune_fixtures.py   (needs numpy)
"""

import base64
import json
import math

import numpy as np

CKPT = "public/models/stories260K.bin"
OUT = "tests/fixtures/oracle/lm_prune_cases.json"


def read_llama2c(path):
    raw = open(path, "rb").read()
    dim, hidden, layers, heads, kv_heads, vocab, _seq_len = (int(v) for v in np.frombuffer(raw, np.int32, 7))
    vocab = abs(vocab)
    kv_dim = kv_heads * (dim // heads)
    f = np.frombuffer(raw, np.float32, offset=28)
    pos = 0

    def take(*shape):
        nonlocal pos
        n = int(np.prod(shape))
        a = f[pos : pos + n].reshape(shape)
        pos += n
        return a

    take(vocab, dim)  # token embedding
    take(layers, dim)  # rms_att
    take(layers, dim, dim)  # wq
    take(layers, kv_dim, dim)  # wk
    take(layers, kv_dim, dim)  # wv
    wo = take(layers, dim, dim)
    take(layers, dim)  # rms_ffn
    take(layers, hidden, dim)  # w1
    w2 = take(layers, dim, hidden)
    return {
        "model.layers.1.self_attn.o_proj.weight": wo[1].copy(),
        "model.layers.0.mlp.down_proj.weight": w2[0].copy(),
    }


def magnitude_mask(w, sparsity):
    flat = w.ravel()
    k = round(sparsity * flat.size)
    mask = np.ones(flat.size, np.uint8)
    mask[np.argsort(np.abs(flat), kind="stable")[:k]] = 0
    return mask.reshape(w.shape)


def two_four_mask(w):
    rows, cols = w.shape
    assert cols % 4 == 0
    mask = np.zeros(w.shape, np.uint8)
    for r in range(rows):
        for g in range(0, cols, 4):
            keep = np.argsort(-np.abs(w[r, g : g + 4]), kind="stable")[:2]
            mask[r, g + keep] = 1
    return mask


def low_rank(w, fraction):
    r = math.ceil(fraction * min(w.shape))
    u, s, vt = np.linalg.svd(w.astype(np.float64), full_matrices=False)
    return (u[:, :r] * s[:r]) @ vt[:r], r


def bits(mask):
    return "".join(map(str, mask.ravel().tolist()))


def b64(a):
    return base64.b64encode(np.ascontiguousarray(a, np.float32).tobytes()).decode()


weights = read_llama2c(CKPT)
tensors, masks, low_ranks = [], [], []
for name, w in weights.items():
    tensors.append({"name": name, "shape": list(w.shape), "sum": float(w.astype(np.float64).sum()),
                    "absSum": float(np.abs(w.astype(np.float64)).sum())})
    for sparsity in [0.5, 0.3]:
        masks.append({"name": name, "prune": {"method": "magnitude", "sparsity": sparsity},
                      "mask": bits(magnitude_mask(w, sparsity))})
    masks.append({"name": name, "prune": {"method": "2:4"}, "mask": bits(two_four_mask(w))})
    for prune, fraction in [(None, 0.3), ({"method": "2:4"}, 0.5), ({"method": "magnitude", "sparsity": 0.3}, 0.125)]:
        x = w
        if prune is not None:
            x = w * (two_four_mask(w) if prune["method"] == "2:4" else magnitude_mask(w, prune["sparsity"]))
        lr, r = low_rank(x, fraction)
        low_ranks.append({"name": name, "prune": prune, "lowRank": {"fraction": fraction}, "rank": r,
                      "values": b64(lr)})

with open(OUT, "w") as f:
    json.dump({"source": "stories260K.bin", "tensors": tensors, "masks": masks, "lowRank": low_ranks}, f)
print(len(masks), "masks,", len(low_ranks), "low-rank cases")
