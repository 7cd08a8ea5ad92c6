"""Per-channel (axis 0) symmetric int8 quantization of every 2-D float32 tensor of a safetensors file,
with the same metrics as `slimlab quantize --dtype int8 --json`: MSE split into clipping and rounding,
SQNR, cosine, max |error|. The peer of the CLI in bench/quantize.ts; plain numpy, written as a numpy
user would (vectorised, float32 arithmetic as ONNX QuantizeLinear, float64 sums).

Usage: python bench/numpy_quantize.py FILE   (prints one JSON object a tensor)
"""

import json
import struct
import sys

import numpy as np

path = sys.argv[1]
with open(path, "rb") as f:
    (n,) = struct.unpack("<Q", f.read(8))
    header = json.loads(f.read(n))
base = 8 + n
for name, t in header.items():
    if name == "__metadata__" or t["dtype"] != "F32" or len(t["shape"]) < 2:
        continue
    start, end = t["data_offsets"]
    rows = t["shape"][0]
    x = np.fromfile(path, dtype="<f4", count=(end - start) // 4, offset=base + start).reshape(rows, -1)
    absmax = np.abs(x).max(axis=1)
    scale = (absmax / np.float32(127)).astype(np.float32)
    scale[scale == 0] = 1
    s = scale[:, None]
    q = np.clip(np.rint(x / s), -127, 127)
    xq = (q * s).astype(np.float32)
    lo, hi = -127 * s, 127 * s
    e = (x - xq).astype(np.float64)
    e2 = e * e
    clipped = (x < lo) | (x > hi)
    sse = e2.sum()
    clip = e2[clipped].sum()
    x64 = x.astype(np.float64)
    signal = np.dot(x64.ravel(), x64.ravel())
    xq64 = xq.astype(np.float64).ravel()
    cos = np.dot(x64.ravel(), xq64) / np.sqrt(signal * np.dot(xq64, xq64))
    print(json.dumps({
        "name": name,
        "mse": sse / x.size,
        "clip_mse": clip / x.size,
        "round_mse": (sse - clip) / x.size,
        "sqnr_db": 10 * np.log10(signal / sse),
        "cosine": cos,
        "max_abs_err": float(np.abs(e).max()),
    }))
