"""Logits of a demo model computed by torch from its safetensors, for the parity test.

Usage: python scripts/oracles/torch_forward.py ARCH MODEL.safetensors IMAGES.npy OUT.npy
ARCH: mnist-mlp. IMAGES: float32 [B, 784] in [0, 1]. The architecture is written here from its
definition (Linear 784-256-128-10, ReLU between), independently of Slimlab's code.
"""

import sys

import numpy as np
import torch
from safetensors.numpy import load_file

arch, model, images, out = sys.argv[1:5]
w = {k: torch.from_numpy(v) for k, v in load_file(model).items()}
x = torch.from_numpy(np.load(images))
if arch == "mnist-mlp":
    h = torch.relu(torch.nn.functional.linear(x, w["fc1.weight"], w["fc1.bias"]))
    h = torch.relu(torch.nn.functional.linear(h, w["fc2.weight"], w["fc2.bias"]))
    y = torch.nn.functional.linear(h, w["fc3.weight"], w["fc3.bias"])
else:
    sys.exit(f"unknown architecture {arch}")
np.save(out, y.detach().numpy().astype(np.float32))
