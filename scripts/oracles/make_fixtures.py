"""Golden fixtures for the unit tests, produced by independent implementations.

- GGUF files written by the `gguf` package (llama.cpp's gguf-py), quantized with its numpy
  quantizers where it has them, random blocks otherwise; expected values from gguf.quants.dequantize;

- safetensors files written by the `safetensors` package (and, for BF16/F8 which its numpy API
  cannot write, by hand with values from `ml_dtypes`), with expected float64 values;
- .npy files written by numpy itself (format versions 1, 2, 3; both byte orders; Fortran order);
- statistics from numpy/scipy (mean, std with ddof=0, scipy.stats.kurtosis with fisher=True,
  bias=True) and histograms from numpy.histogram.

Run from the repository root:  python scripts/oracles/make_fixtures.py
Needs: numpy, scipy, safetensors, ml_dtypes, gguf (local wheel mirror; see shared ORACLES.md).
"""

import io
import json
import os
import struct

import ml_dtypes
import numpy as np
import scipy.stats
from numpy.lib import format as npformat
from safetensors.numpy import save

OUT = "tests/fixtures/oracle"
os.makedirs(OUT, exist_ok=True)
rng = np.random.default_rng(20261121)
manifest = {"safetensors": [], "npy": [], "stats": [], "gguf": []}


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


# --- safetensors through the reference writer -------------------------------------------------
tensors = {
    "f32": rng.normal(0, 1, (3, 5)).astype(np.float32),
    "f64": rng.normal(0, 1, (4,)).astype(np.float64),
    "f16": rng.normal(0, 2, (2, 3)).astype(np.float16),
    "i8": rng.integers(-128, 128, (7,)).astype(np.int8),
    "u8": rng.integers(0, 256, (6,)).astype(np.uint8),
    "i16": rng.integers(-30000, 30000, (5,)).astype(np.int16),
    "i32": rng.integers(-(2**31), 2**31 - 1, (5,)).astype(np.int32),
    "i64": rng.integers(-(2**40), 2**40, (3,)).astype(np.int64),
    "bool": rng.integers(0, 2, (4,)).astype(np.bool_),
    "empty": np.zeros((0, 3), np.float32),
}
write("reference.safetensors", save(tensors, metadata={"origin": "safetensors.numpy.save"}))
manifest["safetensors"].append(
    {
        "file": "reference.safetensors",
        "metadata": {"origin": "safetensors.numpy.save"},
        "tensors": {
            k: {"shape": list(v.shape), "values": v.astype(np.float64).ravel().tolist()}
            for k, v in tensors.items()
        },
    }
)

# A sharded checkpoint: two shards written by safetensors and the index layout transformers writes.
shard_tensors = [
    {"layers.0.w": rng.normal(0, 1, (4, 4)).astype(np.float32), "layers.0.b": rng.normal(0, 1, (4,)).astype(np.float32)},
    {"layers.1.w": rng.normal(0, 1, (4, 4)).astype(np.float16)},
]
weight_map = {}
for i, part in enumerate(shard_tensors):
    name = f"model-{i + 1:05d}-of-{len(shard_tensors):05d}.safetensors"
    write(name, save(part))
    weight_map.update({k: name for k in part})
with open(os.path.join(OUT, "model.safetensors.index.json"), "w") as fh:
    json.dump({"metadata": {"total_size": sum(v.nbytes for p in shard_tensors for v in p.values())}, "weight_map": weight_map}, fh, indent=1)
manifest["sharded"] = {
    "index": "model.safetensors.index.json",
    "tensors": {k: {"shape": list(v.shape), "values": v.astype(np.float64).ravel().tolist()} for p in shard_tensors for k, v in p.items()},
}

# BF16 and FP8: bytes and expected values from ml_dtypes.
special = {
    "BF16": rng.normal(0, 3, (9,)).astype(ml_dtypes.bfloat16),
    "F8_E4M3": rng.normal(0, 3, (9,)).astype(ml_dtypes.float8_e4m3fn),
    "F8_E5M2": rng.normal(0, 3, (9,)).astype(ml_dtypes.float8_e5m2),
}
header, blobs, at = {}, [], 0
for dt, arr in special.items():
    b = arr.tobytes()
    header[dt.lower()] = {"dtype": dt, "shape": list(arr.shape), "data_offsets": [at, at + len(b)]}
    blobs.append(b)
    at += len(b)
h = json.dumps(header).encode()
h += b" " * ((8 - len(h) % 8) % 8)
write("mldtypes.safetensors", struct.pack("<Q", len(h)) + h + b"".join(blobs))
manifest["safetensors"].append(
    {
        "file": "mldtypes.safetensors",
        "metadata": {},
        "tensors": {
            dt.lower(): {"shape": list(a.shape), "values": a.astype(np.float64).tolist()}
            for dt, a in special.items()
        },
    }
)

# --- .npy written by numpy ----------------------------------------------------------------------
def npy_bytes(arr, version):
    buf = io.BytesIO()
    npformat.write_array(buf, arr, version=version, allow_pickle=False)
    return buf.getvalue()


cases = [
    ("v1_f32.npy", rng.normal(0, 1, (4, 3)).astype("<f4"), (1, 0)),
    ("v2_f64.npy", rng.normal(0, 1, (5,)).astype("<f8"), (2, 0)),
    ("v3_i16.npy", rng.integers(-999, 999, (2, 2, 2)).astype("<i2"), (3, 0)),
    ("be_f32.npy", rng.normal(0, 1, (6,)).astype(">f4"), (1, 0)),
    ("be_i64.npy", rng.integers(-(2**40), 2**40, (3,)).astype(">i8"), (1, 0)),
    ("fortran_f32.npy", np.asfortranarray(rng.normal(0, 1, (3, 4)).astype("<f4")), (1, 0)),
    ("u8.npy", rng.integers(0, 256, (10,)).astype("u1"), (1, 0)),
    ("f16.npy", rng.normal(0, 1, (5,)).astype("<f2"), (1, 0)),
    ("bool.npy", np.array([True, False, True]), (1, 0)),
    ("scalar.npy", np.array(3.5, dtype="<f4"), (1, 0)),
]
for name, arr, ver in cases:
    write(name, npy_bytes(arr, ver))
    manifest["npy"].append(
        {
            "file": name,
            "shape": list(arr.shape),
            "fortran": bool(arr.flags.f_contiguous and not arr.flags.c_contiguous),
            # logical values in C (row-major) order, whatever the file's order
            "values": arr.ravel(order="C").astype(np.float64).tolist(),
        }
    )

# .npz written by numpy: stored (savez) and deflated (savez_compressed).
npz_arrays = {"w": rng.normal(0, 1, (6, 5)).astype(np.float32), "b": rng.integers(-9, 9, (5,)).astype(np.int16), "big": rng.normal(0, 1, (3000,)).astype(np.float32)}
for name, fn in [("stored.npz", np.savez), ("deflated.npz", np.savez_compressed)]:
    fn(os.path.join(OUT, name), **npz_arrays)
manifest["npz"] = {
    "files": ["stored.npz", "deflated.npz"],
    "tensors": {k: {"shape": list(v.shape), "values": v.astype(np.float64).ravel().tolist()} for k, v in npz_arrays.items()},
}

# --- statistics and histograms from numpy / scipy ------------------------------------------------
def stats_case(name, x, bins):
    x = np.asarray(x, dtype=np.float32)
    fin = x[np.isfinite(x)].astype(np.float64)
    lo, hi = (float(fin.min()), float(fin.max())) if fin.size else (0.0, 1.0)
    counts, edges = np.histogram(fin, bins=bins, range=(lo, hi) if lo != hi else None)
    manifest["stats"].append(
        {
            "name": name,
            "x": [None if not np.isfinite(v) else float(v) for v in x] if x.size <= 64 else None,
            "file": f"stats_{name}.npy" if x.size > 64 else None,
            "nonfinite": {
                "nan": int(np.isnan(x).sum()),
                "posinf": int(np.isposinf(x).sum()),
                "neginf": int(np.isneginf(x).sum()),
            },
            "bins": bins,
            "expected": {
                "min": lo if fin.size else None,
                "max": hi if fin.size else None,
                "mean": float(fin.mean()) if fin.size else None,
                "std": float(fin.std()) if fin.size else None,
                "kurtosis": float(scipy.stats.kurtosis(fin, fisher=True, bias=True)) if fin.size and fin.std() > 0 else None,
                "zeros": int((fin == 0).sum()),
                "counts": counts.tolist(),
                "edges": [float(edges[0]), float(edges[-1])],
            },
        }
    )
    if x.size > 64:
        write(f"stats_{name}.npy", npy_bytes(x, (1, 0)))


stats_case("normal", rng.normal(0.1, 2.0, 20000), 64)
stats_case("laplace_outliers", np.concatenate([rng.laplace(0, 0.02, 30000), [3.0, -2.5, 4.0]]), 128)
stats_case("uniform", rng.uniform(-1, 1, 10000), 10)
stats_case("small_with_zeros", [0.0, -0.0, 1.0, 2.0, 2.0, 3.0, -1.0], 4)
stats_case("constant", [0.75] * 10, 10)

# --- per-channel integer quantization: scales by numpy from the documented formula, codes and
# dequantized values from the ONNX reference implementation (QuantizeLinear / DequantizeLinear, opset 21).
from onnx import TensorProto, helper
from onnx.reference import ReferenceEvaluator


def onnx_q_dq(x, scale, zp, axis, zp_type):
    q = helper.make_node("QuantizeLinear", ["x", "s", "z"], ["q"], axis=axis)
    dq = helper.make_node("DequantizeLinear", ["q", "s", "z"], ["y"], axis=axis)
    g = helper.make_graph(
        [q, dq],
        "qdq",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(x.shape))],
        [helper.make_tensor_value_info("q", zp_type, None), helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        initializer=[helper.make_tensor("s", TensorProto.FLOAT, [len(scale)], scale.tolist()), helper.make_tensor("z", zp_type, [len(zp)], zp.tolist())],
    )
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 21)])
    codes, y = ReferenceEvaluator(m).run(None, {"x": x})
    return np.asarray(codes).astype(np.int64), np.asarray(y, dtype=np.float32)


intq = []
xq = rng.normal(0, 0.1, (6, 40)).astype(np.float32)
xq[2, 5] = 1.7  # an outlier in one channel
xq[4, :] = 0.0  # a channel of zeros
for bits, symmetric in [(8, True), (8, False), (4, True), (4, False)]:
    half = 2 ** (bits - 1)
    qmin, qmax = (-(half - 1), half - 1) if symmetric else (0, 2 * half - 1)
    lo = np.minimum(xq.min(axis=1), 0).astype(np.float64)
    hi = np.maximum(xq.max(axis=1), 0).astype(np.float64)
    span = np.maximum(-lo, hi) / qmax if symmetric else (hi - lo) / (qmax - qmin)
    scale = np.where(span > 0, span, 1).astype(np.float32)
    if symmetric:
        zp = np.zeros(len(scale), np.int64)
    else:
        zp = np.clip(np.round(qmin - (lo.astype(np.float32) / scale).astype(np.float32)), qmin, qmax).astype(np.int64)
    zp_type = {(8, True): TensorProto.INT8, (8, False): TensorProto.UINT8, (4, True): TensorProto.INT4, (4, False): TensorProto.UINT4}[(bits, symmetric)]
    codes, y = onnx_q_dq(xq, scale, zp, 0, zp_type)
    intq.append({"bits": bits, "symmetric": symmetric, "scale": scale.tolist(), "zero_point": zp.tolist(), "codes": codes.ravel().tolist(), "dequantized": y.astype(np.float64).ravel().tolist()})
# Quantization error of a clipped symmetric int8 scheme, computed here with numpy from the definitions
# in src/core/quant-error.ts: x quantized with scale = 0.5 · absmax / 127, so the outer half clips.
xe = rng.laplace(0, 0.05, 4000).astype(np.float32)
se = np.float32(0.5 * np.abs(xe).max() / 127)
qe = np.clip(np.round(xe / se), -127, 127).astype(np.float32)
xhat = (qe * se).astype(np.float32)
lo, hi = -127 * float(se), 127 * float(se)
d = xe.astype(np.float64) - xhat.astype(np.float64)
outside = (xe < lo) | (xe > hi)
manifest["quant_error"] = {
    "x": xe.astype(np.float64).tolist(),
    "xhat": xhat.astype(np.float64).tolist(),
    "range": [lo, hi],
    "expected": {
        "mse": float(np.mean(d**2)),
        "clippingMse": float(np.sum(d[outside] ** 2) / d.size),
        "roundingMse": float(np.sum(d[~outside] ** 2) / d.size),
        "clipped": int(outside.sum()),
        "sqnrDb": float(10 * np.log10(np.sum(xe.astype(np.float64) ** 2) / np.sum(d**2))),
        "cosine": float(np.dot(xe.astype(np.float64), xhat) / (np.linalg.norm(xe.astype(np.float64)) * np.linalg.norm(xhat.astype(np.float64)))),
        "maxAbsError": float(np.abs(d).max()),
    },
}
manifest["intquant"] = {"x": xq.astype(np.float64).ravel().tolist(), "shape": list(xq.shape), "axis": 0, "cases": intq}

# --- GGUF through gguf-py ----------------------------------------------------------------------
import gguf
from gguf import quants


def random_blocks(qtype, n_blocks, d_offsets):
    """Random quantized blocks whose f16 scale fields hold sane values (not Inf/NaN)."""
    block_size, type_size = gguf.GGML_QUANT_SIZES[qtype]
    raw = rng.integers(0, 256, (n_blocks, type_size), dtype=np.uint8)
    for off in d_offsets:
        raw[:, off : off + 2] = rng.normal(0, 0.05, n_blocks).astype(np.float16).view(np.uint8).reshape(n_blocks, 2)
    return raw


def write_gguf(path, version):
    w = gguf.GGUFWriter(os.path.join(OUT, path), arch="slimlab-test")
    w.add_name("oracle fixture")
    w.add_uint32("test.count", 7)
    w.add_float32("test.scale", 0.125)
    w.add_bool("test.flag", True)
    w.add_array("test.tokens", ["a", "bb", "ccc"])
    w.add_array("test.ids", [1, 2, 3, 4])
    expected = {}
    base = rng.normal(0, 1, (2, 256)).astype(np.float32)
    w.add_tensor("f32", base)
    expected["f32"] = (base, "F32")
    f16 = base.astype(np.float16)
    w.add_tensor("f16", f16)
    expected["f16"] = (f16.astype(np.float32), "F16")
    for name in ["BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1"]:
        qt = gguf.GGMLQuantizationType[name]
        raw = quants.quantize(base, qt)
        w.add_tensor(name.lower(), raw, raw_shape=raw.shape, raw_dtype=qt)
        expected[name.lower()] = (quants.dequantize(raw, qt), name)
    for name, d_offsets in [("Q4_K", [0, 2]), ("Q6_K", [208])]:
        qt = gguf.GGMLQuantizationType[name]
        raw = random_blocks(qt, 2, d_offsets).reshape(2, -1)
        w.add_tensor(name.lower(), raw, raw_shape=raw.shape, raw_dtype=qt)
        expected[name.lower()] = (quants.dequantize(raw, qt), name)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    if version != 3:
        with open(os.path.join(OUT, path), "r+b") as f:
            f.seek(4)
            f.write(struct.pack("<I", version))
    entry = {"file": path, "version": version, "tensors": {}}
    for name, (vals, ggml_type) in expected.items():
        vals = np.asarray(vals, dtype=np.float32)
        npy_name = f"{path[:-5]}.{name}.expected.npy"
        write(npy_name, npy_bytes(vals, (1, 0)))
        entry["tensors"][name] = {"type": ggml_type, "shape": list(vals.shape), "expected": npy_name}
    entry["metadata"] = {"test.count": 7, "test.scale": 0.125, "test.flag": True, "general.name": "oracle fixture"}
    manifest["gguf"].append(entry)


write_gguf("v3.gguf", 3)
write_gguf("v2.gguf", 2)

with open(os.path.join(OUT, "manifest.json"), "w") as f:
    json.dump(manifest, f, indent=1)
print(f"wrote {OUT}/manifest.json")
