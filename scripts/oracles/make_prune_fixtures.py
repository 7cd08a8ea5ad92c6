"""Goldens for src/core/prune.ts: masks from torch.nn.utils.prune (l1_unstructured, ln_structured,
global_unstructured) and torch.ao.pruning.WeightNormSparsifier (N:M blocks along the rows), on seeded
random weights (continuous values, so no ties).

Run from the repository root:  python scripts/oracles/make_prune_fixtures.py   (needs torch)
"""

import json

import torch
import torch.nn.utils.prune as prune
from torch.ao.pruning import WeightNormSparsifier

torch.manual_seed(20261122)


def linear(rows, cols):
    m = torch.nn.Linear(cols, rows)
    with torch.no_grad():
        m.weight.copy_(torch.randn(rows, cols))
    return m


cases = []
for rows, cols, amount in [(16, 20, 0.3), (16, 20, 0.9), (16, 20, 0.25), (2, 5, 0.25), (7, 3, 0.5)]:
    m = linear(rows, cols)
    w = m.weight.detach().clone()
    prune.l1_unstructured(m, "weight", amount=amount)
    cases.append({"kind": "l1_unstructured", "shape": [rows, cols], "amount": amount,
                  "w": w.flatten().tolist(), "mask": m.weight_mask.flatten().int().tolist()})

for shape, amount in [((16, 20), 0.5), ((8, 3, 3, 3), 0.5), ((9, 4), 0.3)]:
    m = torch.nn.Conv2d(shape[1], shape[0], 3) if len(shape) == 4 else linear(*shape)
    with torch.no_grad():
        m.weight.copy_(torch.randn(*shape))
    w = m.weight.detach().clone()
    prune.ln_structured(m, "weight", amount=amount, n=1, dim=0)
    cases.append({"kind": "ln_structured", "shape": list(shape), "amount": amount,
                  "w": w.flatten().tolist(), "mask": m.weight_mask.flatten().int().tolist()})

a, b = linear(10, 12), linear(6, 10)
wa, wb = a.weight.detach().clone(), b.weight.detach().clone()
prune.global_unstructured([(a, "weight"), (b, "weight")], pruning_method=prune.L1Unstructured, amount=0.6)
cases.append({"kind": "global_unstructured", "amount": 0.6,
              "tensors": [{"shape": [10, 12], "w": wa.flatten().tolist(), "mask": a.weight_mask.flatten().int().tolist()},
                          {"shape": [6, 10], "w": wb.flatten().tolist(), "mask": b.weight_mask.flatten().int().tolist()}]})

for n, m_ in [(2, 4), (1, 4), (4, 8)]:
    model = torch.nn.Sequential(linear(6, 16))
    w = model[0].weight.detach().clone()
    sp = WeightNormSparsifier(sparsity_level=1.0, sparse_block_shape=(1, m_), zeros_per_block=m_ - n)
    sp.prepare(model, config=[{"tensor_fqn": "0.weight"}])
    sp.step()
    mask = model[0].parametrizations.weight[0].mask
    cases.append({"kind": "nm", "n": n, "m": m_, "shape": [6, 16],
                  "w": w.flatten().tolist(), "mask": mask.flatten().int().tolist()})

with open("tests/fixtures/oracle/prune_cases.json", "w") as f:
    json.dump(cases, f)
print(len(cases), "cases")
