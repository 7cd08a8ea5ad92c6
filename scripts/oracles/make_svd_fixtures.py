"""Goldens for src/core/svd.ts: numpy.linalg.svd singular values and rank-k errors, on seeded random
matrices and on the committed demo MLP's weights.

Run from the repository root:  python scripts/oracles/make_svd_fixtures.py   (needs numpy, safetensors)
"""

import json

import numpy as np
from safetensors.numpy import load_file

rng = np.random.default_rng(20261122)
cases = []
for m, n in [(5, 3), (3, 5), (40, 40), (64, 17)]:
    a = rng.standard_normal((m, n))
    s = np.linalg.svd(a, compute_uv=False)
    cases.append({"name": f"random {m}x{n}", "m": m, "n": n, "a": a.ravel().tolist(), "s": s.tolist()})
w = load_file("public/models/mnist-mlp.safetensors")
for name in ["fc2.weight", "fc3.weight"]:
    a = w[name].astype(np.float64)
    s = np.linalg.svd(a, compute_uv=False)
    k = len(s) // 4
    u, sv, vt = np.linalg.svd(a, full_matrices=False)
    approx = (u[:, :k] * sv[:k]) @ vt[:k]
    cases.append({"name": name, "m": a.shape[0], "n": a.shape[1], "tensor": name, "s": s.tolist(), "k": k, "frobenius": float(np.linalg.norm(a - approx))})
with open("tests/fixtures/oracle/svd_cases.json", "w") as f:
    json.dump(cases, f)
print(len(cases), "cases")
