"""The entropy (KL) threshold search over a histogram, in numpy and scipy as onnxruntime's
calibrate.py writes it: the peer of core/calibrate.ts's klSearch in bench/calibrate.ts.

Usage: python bench/numpy_kl.py HIST.json   (prints {"ms": per search, "bin": the pick})
"""

import json
import sys
import time

import numpy as np
import scipy.stats


def smooth(p, eps=1e-4):
    is_zeros = (p == 0).astype(np.float64)
    n_zeros = is_zeros.sum()
    n_nonzeros = p.size - n_zeros
    if not n_nonzeros:
        return None
    return p + eps * is_zeros - (eps * n_zeros / n_nonzeros) * (1 - is_zeros)


def search(hist, levels):
    bins = len(hist)
    best, best_kl = bins, None
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
        if best_kl is None or d < best_kl:
            best, best_kl = i, d
    return best


hist = np.array(json.load(open(sys.argv[1]))["counts"], dtype=np.float64)
search(hist, 128)
runs = 3
t0 = time.perf_counter()
for _ in range(runs):
    pick = search(hist, 128)
print(json.dumps({"ms": (time.perf_counter() - t0) * 1000 / runs, "bin": pick}))
