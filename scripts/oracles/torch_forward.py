"""Logits of a demo model computed by torch from its safetensors, for the parity test.

Usage: python scripts/oracles/torch_forward.py ARCH MODEL.safetensors IMAGES.npy OUT.npy
ARCH: mnist-mlp, mnist-cnn or mnist-vit. IMAGES: float32 [B, 784] in [0, 1]. Each architecture is
written here from its definition with torch's own modules, independently of Slimlab's code.
"""

import sys

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.numpy import load_file

arch, model, images, out = sys.argv[1:5]
w = {k: torch.from_numpy(v) for k, v in load_file(model).items()}
x = torch.from_numpy(np.load(images))
B = x.shape[0]


def linear(h, name):
    return F.linear(h, w[name + ".weight"], w[name + ".bias"])


if arch == "mnist-mlp":
    # Linear 784-256-128-10, ReLU between.
    h = torch.relu(linear(x, "fc1"))
    h = torch.relu(linear(h, "fc2"))
    y = linear(h, "fc3")
elif arch == "mnist-cnn":
    # conv 3x3 (1->8, pad 1), ReLU, maxpool 2; conv 3x3 (8->16, pad 1), ReLU, maxpool 2;
    # flatten (C, H, W order), Linear 784-64, ReLU, Linear 64-10.
    h = x.reshape(B, 1, 28, 28)
    h = F.max_pool2d(torch.relu(F.conv2d(h, w["conv1.weight"], w["conv1.bias"], padding=1)), 2)
    h = F.max_pool2d(torch.relu(F.conv2d(h, w["conv2.weight"], w["conv2.bias"], padding=1)), 2)
    h = torch.relu(linear(h.flatten(1), "fc1"))
    y = linear(h, "fc2")
elif arch == "mnist-vit":
    # 7x7 patches (row-major) -> Linear 49-64, + position embedding [16, 64]; two pre-norm blocks
    # (LayerNorm, qkv Linear 64-192, 4-head scaled dot-product attention, proj; LayerNorm, MLP
    # 64-128-64 with tanh GELU), final LayerNorm, mean over tokens, Linear 64-10.
    img = x.reshape(B, 1, 28, 28)
    patches = img.unfold(2, 7, 7).unfold(3, 7, 7).reshape(B, 16, 49)
    h = linear(patches, "patch") + w["pos"]
    for i in range(2):
        b = f"blocks.{i}"
        a = F.layer_norm(h, (64,), w[b + ".ln1.weight"], w[b + ".ln1.bias"], eps=1e-5)
        qkv = linear(a, b + ".attn.qkv").reshape(B, 16, 3, 4, 16).permute(2, 0, 3, 1, 4)
        att = F.scaled_dot_product_attention(qkv[0], qkv[1], qkv[2]).transpose(1, 2).reshape(B, 16, 64)
        h = h + linear(att, b + ".attn.proj")
        m = F.layer_norm(h, (64,), w[b + ".ln2.weight"], w[b + ".ln2.bias"], eps=1e-5)
        h = h + linear(F.gelu(linear(m, b + ".mlp.fc1"), approximate="tanh"), b + ".mlp.fc2")
    h = F.layer_norm(h, (64,), w["norm.weight"], w["norm.bias"], eps=1e-5).mean(1)
    y = linear(h, "head")
else:
    sys.exit(f"unknown architecture {arch}")
np.save(out, y.detach().numpy().astype(np.float32))
