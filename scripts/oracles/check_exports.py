"""Checks files Slimlab exported against the reference readers.

For every exported file in DIR with its expectations in DIR/expected/<file>/<tensor>.npy (the values
Slimlab's own reader gives): GGUF is read with gguf-py and dequantized with gguf.quants.dequantize;
safetensors is loaded with the strict `safetensors` package and quantized tensors are dequantized here
from the documented layout (float32((q - zero_point) * scale) per channel); .npy is loaded with numpy.
Exit status 0 when every value matches exactly. Usage: python check_exports.py DIR
"""

import json
import os
import sys

import gguf
import ml_dtypes  # noqa: F401  (registers bfloat16, which safetensors' numpy loader needs)
import numpy as np
from safetensors import safe_open

root = sys.argv[1]
failures = []
checked = 0


def expect(file, name, got):
    global checked
    want = np.load(os.path.join(root, "expected", file, name.replace("/", "_") + ".npy"))
    got = np.asarray(got, dtype=np.float32).reshape(-1)
    if want.shape != got.shape or not np.array_equal(want.reshape(-1), got, equal_nan=True):
        failures.append(f"{file}: {name}: values differ")
    checked += 1


def unpack4(b, n, signed):
    lo, hi = b & 0x0F, b >> 4
    q = np.stack([lo, hi], axis=1).reshape(-1)[:n].astype(np.int64)
    return np.where(q >= 8, q - 16, q) if signed else q


for file in sorted(os.listdir(root)):
    path = os.path.join(root, file)
    if file.endswith(".gguf"):
        for t in gguf.GGUFReader(path).tensors:
            expect(file, t.name, gguf.quants.dequantize(t.data, t.tensor_type))
    elif file.endswith(".safetensors"):
        with safe_open(path, "numpy") as f:
            meta = f.metadata() or {}
            quant = json.loads(meta.get("slimlab.quantization", '{"tensors": {}}'))["tensors"]
            parts = {p for n in quant for p in (f"{n}.qweight", f"{n}.scale", f"{n}.zero_point")}
            for name in f.keys():
                arr = f.get_tensor(name)
                if name not in parts:
                    expect(file, name, arr)
            for name, e in quant.items():
                n = int(np.prod(e["shape"]))
                raw = f.get_tensor(f"{name}.qweight")
                q = unpack4(raw, n, e["signed"]) if e["packed"] else raw.astype(np.int64)
                scale = f.get_tensor(f"{name}.scale").astype(np.float32)
                zp = f.get_tensor(f"{name}.zero_point").astype(np.int64) if not e["signed"] else np.zeros(scale.shape, np.int64)
                shape = e["shape"]
                if e.get("view2d"):  # groups along the rows of the [shape[0], rest] view
                    shape = [shape[0], n // shape[0]]
                q = q.reshape(shape)
                axis = e["axis"]
                if axis is None:  # one scale
                    s_full, z_full = scale.reshape(()), zp.reshape(())
                elif "block_size" not in e:  # per channel: broadcast along axis
                    bshape = [1] * len(shape)
                    bshape[axis] = shape[axis]
                    s_full, z_full = scale.reshape(bshape), zp.reshape(bshape)
                else:  # ONNX blocked: repeat each scale block_size times along axis, then trim
                    b = e["block_size"]
                    s_full = np.repeat(scale, b, axis=axis).take(range(shape[axis]), axis=axis)
                    z_full = np.repeat(zp, b, axis=axis).take(range(shape[axis]), axis=axis)
                x = ((q - z_full).astype(np.float32) * s_full).astype(np.float32)
                expect(file, name, x)
    elif file.endswith(".npy"):
        expect(file, os.path.splitext(file)[0], np.load(path))

print(f"{checked} tensors checked, {len(failures)} mismatches")
for f in failures:
    print(f)
sys.exit(1 if failures or checked == 0 else 0)
