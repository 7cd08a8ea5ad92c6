"""Goldens for src/core/nn and the distillation loss: torch forward passes and autograd gradients
of small networks built from the same layer descriptions (each layer written here with torch's own
operators: conv2d, max_pool2d, layer_norm, gelu(tanh), scaled_dot_product_attention, unfold).

Run from the repository root:  python scripts/oracles/make_net_fixtures.py   (needs numpy, torch)
"""

import json
import math

import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
rng = np.random.default_rng(20261123)

# Layer descriptions, read by tests/unit/net.test.ts too.
NETS = {
    "mlp": {"in": [12], "classes": 5, "layers": [
        ["dense", "fc1", 12, 7, 1], ["relu"], ["dense", "fc2", 7, 5, 1]]},
    "cnn": {"in": [2, 8, 8], "classes": 5, "layers": [
        ["conv", "conv1", 2, 3, 3, 1, 8, 8], ["relu"], ["pool", 3, 8, 8],
        ["conv", "conv2", 3, 4, 3, 1, 4, 4], ["relu"], ["pool", 4, 4, 4],
        ["conv", "conv3", 4, 3, 2, 0, 2, 2], ["dense", "fc", 3, 5, 1]]},
    "vit": {"in": [1, 8, 8], "classes": 5, "layers": [
        ["patchify", 2, 8, 8], ["dense", "patch", 4, 8, 16], ["pos", "pos", 16, 8],
        ["residual", [["ln", "b.ln1", 8, 16], ["dense", "b.qkv", 8, 24, 16], ["attn", 16, 8, 2],
                      ["dense", "b.proj", 8, 8, 16]]],
        ["residual", [["ln", "b.ln2", 8, 16], ["dense", "b.fc1", 8, 16, 16], ["gelu"],
                      ["dense", "b.fc2", 16, 8, 16]]],
        ["ln", "norm", 8, 16], ["mean", 16, 8], ["dense", "head", 8, 5, 1]]},
}


def params_of(layers, out):
    for l in layers:
        k = l[0]
        if k == "dense":
            out[l[1] + ".weight"] = rng.standard_normal((l[3], l[2])) / math.sqrt(l[2])
            out[l[1] + ".bias"] = rng.standard_normal(l[3]) * 0.1
        elif k == "conv":
            out[l[1] + ".weight"] = rng.standard_normal((l[3], l[2], l[4], l[4])) / math.sqrt(l[2] * l[4] ** 2)
            out[l[1] + ".bias"] = rng.standard_normal(l[3]) * 0.1
        elif k == "ln":
            out[l[1] + ".weight"] = 1 + rng.standard_normal(l[2]) * 0.1
            out[l[1] + ".bias"] = rng.standard_normal(l[2]) * 0.1
        elif k == "pos":
            out[l[1]] = rng.standard_normal((l[2], l[3])) * 0.1
        elif k == "residual":
            params_of(l[1], out)
    return out


def run(layers, w, x):
    B = x.shape[0]
    for l in layers:
        k = l[0]
        if k == "dense":
            x = F.linear(x.reshape(B, l[4], l[2]), w[l[1] + ".weight"], w[l[1] + ".bias"])
            x = x.reshape(B, -1) if l[4] == 1 else x
        elif k == "conv":
            x = F.conv2d(x.reshape(B, l[2], l[6], l[7]), w[l[1] + ".weight"], w[l[1] + ".bias"], padding=l[5])
        elif k == "relu":
            x = torch.relu(x)
        elif k == "gelu":
            x = F.gelu(x, approximate="tanh")
        elif k == "pool":
            x = F.max_pool2d(x.reshape(B, l[1], l[2], l[3]), 2)
        elif k == "ln":
            x = F.layer_norm(x.reshape(B, l[3], l[2]), (l[2],), w[l[1] + ".weight"], w[l[1] + ".bias"], eps=1e-5)
        elif k == "patchify":
            s = l[1]
            x = x.reshape(B, 1, l[2], l[3]).unfold(2, s, s).unfold(3, s, s).reshape(B, -1, s * s)
        elif k == "pos":
            x = x.reshape(B, l[2], l[3]) + w[l[1]]
        elif k == "attn":
            T, D, H = l[1], l[2], l[3]
            qkv = x.reshape(B, T, 3, H, D // H).permute(2, 0, 3, 1, 4)
            y = F.scaled_dot_product_attention(qkv[0], qkv[1], qkv[2])
            x = y.transpose(1, 2).reshape(B, T, D)
        elif k == "mean":
            x = x.reshape(B, l[1], l[2]).mean(1)
        elif k == "residual":
            x = x + run(l[1], w, x).reshape(x.shape)
        else:
            raise ValueError(k)
    return x.reshape(B, -1)


cases = []
for name, spec in NETS.items():
    B = 3
    w = {k: torch.tensor(v, requires_grad=True) for k, v in params_of(spec["layers"], {}).items()}
    x = torch.tensor(rng.random((B, *spec["in"])))
    labels = torch.tensor(rng.integers(0, spec["classes"], B))
    logits = run(spec["layers"], w, x)
    loss = F.cross_entropy(logits, labels)
    loss.backward()
    cases.append({
        "name": name, "spec": spec, "batch": B,
        "params": {k: v.detach().numpy().ravel().tolist() for k, v in w.items()},
        "x": x.numpy().ravel().tolist(), "labels": labels.tolist(),
        "logits": logits.detach().numpy().ravel().tolist(), "loss": loss.item(),
        "grads": {k: v.grad.numpy().ravel().tolist() for k, v in w.items()},
    })

# Distillation: alpha * T^2 * KL(softmax(t/T) || softmax(s/T)) + (1 - alpha) * CE(s, labels), batch mean.
distill = []
for T, alpha in [(1.0, 0.5), (4.0, 0.9), (2.0, 0.0), (8.0, 1.0)]:
    B, C = 4, 10
    s = torch.tensor(rng.standard_normal((B, C)) * 3, requires_grad=True)
    t = torch.tensor(rng.standard_normal((B, C)) * 3)
    labels = torch.tensor(rng.integers(0, C, B))
    soft = F.kl_div(F.log_softmax(s / T, 1), F.log_softmax(t / T, 1), reduction="batchmean", log_target=True)
    hard = F.cross_entropy(s, labels)
    loss = alpha * T * T * soft + (1 - alpha) * hard
    loss.backward()
    distill.append({"T": T, "alpha": alpha, "batch": B, "classes": C,
                    "student": s.detach().numpy().ravel().tolist(), "teacher": t.numpy().ravel().tolist(),
                    "labels": labels.tolist(), "soft": soft.item(), "hard": hard.item(),
                    "loss": loss.item(), "grad": s.grad.numpy().ravel().tolist()})

with open("tests/fixtures/oracle/net_cases.json", "w") as f:
    json.dump({"nets": cases, "distill": distill}, f)
print(len(cases), "nets,", len(distill), "distillation cases")
