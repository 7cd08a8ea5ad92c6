"""Goldens for the quantization lab (src/core/quant.ts), computed with numpy, ml_dtypes, scipy and torch
from the published definitions of each format, independently of Slimlab's code.

- int: ONNX QuantizeLinear arithmetic (float32 division, round half to even, saturate); checked against
  torch.fake_quantize_per_{tensor,channel}_affine, which multiplies by the reciprocal scale and so may
  differ at rare near-ties (counted and printed);
- fp16 / bf16 / fp8 / fp4 casts: numpy float16 and ml_dtypes (bfloat16, float8_e4m3fn, float8_e5m2,
  float4_e2m1fn), saturating first; tf32 by rounding the float32 bits (round to nearest even);
- binary (XNOR-Net), ternary (Ternary Weight Networks, Δ = 0.7·mean|x|), log2 levels, NF4 (the levels
  rebuilt from bitsandbytes' create_normal_map with scipy's normal quantiles) and Dettmers' quantile
  codebook (numpy.quantile, linear);
- LLM.int8() mixed decomposition (outlier columns kept in float16, the rest int8 per row, absmax);
- errors: MSE, its clipping / rounding split, SQNR, cosine, max |error|, per block.

Run from the repository root:  python scripts/oracles/make_quant_fixtures.py
Needs numpy, scipy, ml_dtypes, torch (local wheel mirror; see shared ORACLES.md).
"""

import json

import ml_dtypes
import numpy as np
import scipy.stats
import torch

OUT = "tests/fixtures/oracle/quant_cases.json"
rng = np.random.default_rng(20261122)
F = np.float32


# bitsandbytes.functional.get_4bit_type("nf4"): the published table, as float32.
NF4_BNB = np.array([-1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635, -0.18477343022823334, -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725, 0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1.0], F)


def nf4_levels():
    # bitsandbytes.functional.create_normal_map(offset=0.9677083, use_extra_value=True), 16 nonzero-merged
    offset = 0.9677083
    v1 = scipy.stats.norm.ppf(np.linspace(offset, 0.5, 9)[:-1]).tolist()
    v3 = (-scipy.stats.norm.ppf(np.linspace(offset, 0.5, 8)[:-1])).tolist()
    v = np.array(sorted(v1 + [0.0] + v3))
    return (v / v.max()).astype(F)


def blocks_of(shape, gran):
    """Block index of every flat element (ONNX blocked layout)."""
    n = int(np.prod(shape))
    if gran["kind"] == "tensor":
        return np.zeros(n, np.int64), 1
    axis = gran.get("axis", len(shape) - 1)
    idx = np.indices(shape).reshape(len(shape), -1)
    outer = int(np.prod(shape[:axis]))
    inner = int(np.prod(shape[axis + 1 :]))
    dim = shape[axis]
    o = np.ravel_multi_index(idx[:axis], shape[:axis]) if axis > 0 else np.zeros(n, np.int64)
    i = np.ravel_multi_index(idx[axis + 1 :], shape[axis + 1 :]) if axis + 1 < len(shape) else np.zeros(n, np.int64)
    c = idx[axis]
    if gran["kind"] == "channel":
        return c, dim
    g = gran["size"]
    nb = -(-dim // g)
    return (o * nb + c // g) * inner + i, outer * nb * inner


def stored_scale(s, bits):
    s = np.where((s > 0) & np.isfinite(s), s, 1.0)
    if bits == 32:
        return s.astype(F)
    h = np.clip(s, 2.0**-24, 65504).astype(np.float16).astype(F)
    return np.where(h > 0, h, F(2.0**-24))


def rne_mantissa(x, drop, maxv):
    u = x.astype(F).view(np.uint32).astype(np.uint64)
    r = (u + (1 << (drop - 1)) - 1 + ((u >> drop) & 1)) >> drop << drop
    y = (r & 0xFFFFFFFF).astype(np.uint32).view(F)
    return np.where(np.isfinite(y), y, np.sign(x) * F(maxv)).astype(F)


CAST_MAX = {"fp32": 3.4028234663852886e38, "tf32": 3.4011621342146535e38, "fp16": 65504.0, "bf16": 3.3895313892515355e38}
MINI = {"fp8e4m3fn": (ml_dtypes.float8_e4m3fn, 448.0), "fp8e5m2": (ml_dtypes.float8_e5m2, 57344.0), "fp4e2m1": (ml_dtypes.float4_e2m1fn, 6.0)}


def top_step(dtype):
    """The gap between a float format's largest finite value and the one below it: one unit in the
    last place of max's binade (ml_dtypes.finfo gives max and the mantissa width)."""
    fi = ml_dtypes.finfo(dtype)
    return 2.0 ** (np.floor(np.log2(float(fi.max))) - fi.nmant)


CAST_STEP = {
    "fp32": float(np.finfo(np.float32).max) - float(np.nextafter(np.finfo(np.float32).max, np.float32(0))),
    "tf32": 2.0 ** (127 - 10),
    "fp16": float(np.finfo(np.float16).max) - float(np.nextafter(np.finfo(np.float16).max, np.float16(0))),
    "bf16": top_step(ml_dtypes.bfloat16),
}
MINI_STEP = {k: top_step(v[0]) for k, v in MINI.items()}


def bounds(bottom, top, step_lo, step_hi, scales):
    """Beyond these a value is clipped: the end levels widened by half the next step, as float32."""
    s = scales.astype(np.float64)
    with np.errstate(over="ignore"):  # fp32's upper bound is past float32: +Inf, nothing clips
        return ((bottom - step_lo / 2) * s).astype(F), ((top + step_hi / 2) * s).astype(F)


def quantize(x, shape, spec):
    x = x.astype(F)
    blk, B = blocks_of(shape, spec["granularity"])
    fmt = spec["format"]
    bmin = np.zeros(B)
    bmax = np.zeros(B)
    np.minimum.at(bmin, blk, x.astype(np.float64))
    np.maximum.at(bmax, blk, x.astype(np.float64))
    absum = np.bincount(blk, np.abs(x).astype(np.float64), B)
    cnt = np.bincount(blk, None, B)
    if spec["clipQuantile"] < 1:
        a = np.sort(np.abs(x))
        t = float(a[min(len(a) - 1, max(0, int(np.ceil(spec["clipQuantile"] * len(a))) - 1))])
        bmin = np.maximum(bmin, -t)
        bmax = np.minimum(bmax, t)
    absmax = np.maximum(-bmin, bmax)
    codes = None
    if fmt in CAST_MAX:
        m = CAST_MAX[fmt]
        lo, hi = bounds(-m, m, CAST_STEP[fmt], CAST_STEP[fmt], np.ones(B))
        xs = np.clip(x.astype(np.float64), -m, m)
        if fmt == "fp32":
            q = x.copy()
        elif fmt == "fp16":
            q = xs.astype(np.float16).astype(F)
        elif fmt == "bf16":
            q = rne_mantissa(x, 16, m)
        else:
            q = rne_mantissa(x, 13, m)
        scales = np.ones(B, F)
    elif fmt == "int":
        b = spec["bits"]
        half = 2 ** (b - 1)
        if spec["symmetric"]:
            qmin, qmax = (-(half - 1), half - 1) if spec["restricted"] else (-half, half - 1)
            s = absmax / (qmax if spec["restricted"] else (qmax - qmin) / 2)
        else:
            qmin, qmax = 0, 2 * half - 1
            s = (bmax - bmin) / (qmax - qmin)
        scales = stored_scale(s, spec["scaleBits"])
        zp = np.zeros(B) if spec["symmetric"] else np.clip(np.rint(qmin - (bmin.astype(F) / scales).astype(F)), qmin, qmax)
        y = (x / scales[blk]).astype(F)
        codes = np.clip(np.rint(y) + zp[blk], qmin, qmax)
        q = ((codes - zp[blk]) * scales[blk]).astype(F)
        lo, hi = bounds(qmin - zp, qmax - zp, 1.0, 1.0, scales)
        torch_check(x, shape, spec, scales, zp, qmin, qmax, q, blk)
    elif fmt in MINI:
        dt, m = MINI[fmt]
        scales = stored_scale(absmax / m, spec["scaleBits"])
        y = np.clip((x / scales[blk]).astype(F), -m, m)
        q = (y.astype(dt).astype(F) * scales[blk]).astype(F)
        lo, hi = bounds(-m, m, MINI_STEP[fmt], MINI_STEP[fmt], scales)
    elif fmt == "ternary":
        delta = np.where(cnt > 0, 0.7 * absum / np.maximum(cnt, 1), 0)
        above = np.abs(x) > delta[blk]
        alpha = (np.bincount(blk, np.where(above, np.abs(x), 0).astype(np.float64), B) / np.maximum(np.bincount(blk, above, B), 1)).astype(F)
        q = np.where(above, np.sign(x) * alpha[blk], 0).astype(F)
        scales = alpha
        lo, hi = bounds(-1.0, 1.0, 1.0, 1.0, alpha)
    else:
        if fmt == "binary":
            levels = np.array([-1, 1], F)
            s = np.where(cnt > 0, absum / np.maximum(cnt, 1), 0)
        elif fmt == "log2":
            m = 2 ** (spec["bits"] - 1) - 1
            levels = np.array(sorted([0.0] + [2.0**-j for j in range(m)] + [-(2.0**-j) for j in range(m)]), F)
            s = np.where(absmax > 0, 2.0 ** np.round(np.log2(np.where(absmax > 0, absmax, 1))), 1)
        else:
            s = absmax
        scales = s.astype(F) if fmt == "log2" else stored_scale(s, spec["scaleBits"])
        y = (x / scales[blk]).astype(F)
        if fmt == "nf4":
            # The published table; it agrees with the levels rebuilt from scipy's quantiles to 1 ulp.
            assert np.abs(NF4_BNB - nf4_levels()).max() < 2.5e-7
            levels = NF4_BNB
        elif fmt == "quantile":
            k = 2 ** spec["bits"]
            ys = np.sort(np.clip(y, -1, 1) if spec["clipQuantile"] < 1 else y).astype(np.float64)
            levels = np.array([(np.quantile(ys, i / (k + 1)) + np.quantile(ys, (i + 1) / (k + 1))) / 2 for i in range(k)], F)
        mids = (levels[1:].astype(np.float64) + levels[:-1]) / 2
        codes = np.searchsorted(mids, y, side="right")
        q = (levels[codes] * scales[blk]).astype(F)
        lv = levels.astype(np.float64)
        lo, hi = bounds(lv[0], lv[-1], lv[1] - lv[0], lv[-1] - lv[-2], scales)
    return q, codes, scales, lo, hi, blk, B


def torch_check(x, shape, spec, scales, zp, qmin, qmax, q, blk):
    xt = torch.from_numpy(x.reshape(shape))
    g = spec["granularity"]
    if g["kind"] == "tensor":
        t = torch.fake_quantize_per_tensor_affine(xt, float(scales[0]), int(zp[0]), qmin, qmax)
    elif g["kind"] == "channel":
        t = torch.fake_quantize_per_channel_affine(xt, torch.from_numpy(scales), torch.from_numpy(zp.astype(np.int32)), g["axis"], qmin, qmax)
    else:
        return
    diff = int(np.sum(t.numpy().ravel() != q))
    assert diff <= max(1, len(x) // 100), f"torch disagrees on {diff} of {len(x)} values"
    torch_disagreements.append(diff)


def errors(x, q, lo, hi, blk, B):
    # lo, hi: the clipping bounds of each block (see bounds()).
    x64, q64 = x.astype(np.float64), q.astype(np.float64)
    e2 = (x64 - q64) ** 2
    out = (x64 < lo[blk]) | (x64 > hi[blk])
    n = len(x)
    sse, clip = e2.sum(), e2[out].sum()
    sig = (x64**2).sum()
    res = {
        "mse": sse / n,
        "clippingMse": clip / n,
        "roundingMse": (sse - clip) / n,
        "clipped": int(out.sum()),
        "sqnrDb": None if sse == 0 else 10 * np.log10(sig / sse),
        "cosine": float(x64 @ q64 / np.sqrt(sig * (q64 @ q64))),
        "maxAbsError": float(np.sqrt(e2.max())),
    }
    res["blockMse"] = (np.bincount(blk, e2, B) / np.bincount(blk, None, B)).tolist()
    return res


def llm_int8(x, shape, threshold):
    rows, cols = shape[0], int(np.prod(shape[1:]))
    w = x.reshape(rows, cols)
    outlier = np.abs(w).max(axis=0) >= threshold
    rest = np.where(outlier[None, :], 0, w)
    s = stored_scale(np.abs(rest).max(axis=1) / 127, 32)
    qi = np.clip(np.rint((rest / s[:, None]).astype(F)), -127, 127)
    deq = (qi * s[:, None]).astype(F)
    out = np.where(outlier[None, :], w.astype(np.float16).astype(F), deq)
    s_all = stored_scale(np.abs(w).max(axis=1) / 127, 32)
    plain = (np.clip(np.rint((w / s_all[:, None]).astype(F)), -127, 127) * s_all[:, None]).astype(F)
    mse = lambda a: float(np.mean((w.astype(np.float64) - a) ** 2))
    return {"outlierColumns": np.flatnonzero(outlier).tolist(), "mse": mse(out), "plainMse": mse(plain)}


torch_disagreements = []


def tensor_a():
    a = rng.standard_normal((6, 40)).astype(F)
    a[1, 7] = 9.5  # an outlier
    a[2, :] = 0  # a zero row
    a[3, :] = -1.25  # a constant row
    a[4, 3] = -7.0
    return a


A = tensor_a()
Bt = (rng.standard_normal((4, 3, 10)) * np.array([0.1, 1, 10])[None, :, None]).astype(F)
C = np.array([[70000, -1e5, 1e-8, -3e-6, 0.1, 1.0 + 2**-12, 1 + 3 * 2**-12, 255.9], [1e38, -3.40e38, 2.5, -2.5, 0.5, 6.5, 0.3333, -448.5]], F)
R = (rng.laplace(size=(16, 64)) * 0.2).astype(F)

S = lambda **k: {"format": "int", "bits": 8, "symmetric": True, "restricted": True, "granularity": {"kind": "channel", "axis": 0}, "rounding": "nearest", "seed": 0, "clipQuantile": 1, "scaleBits": 32, **k}
T = {"kind": "tensor"}
CH0 = {"kind": "channel", "axis": 0}

cases = [
    ("A", S()),
    ("A", S(restricted=False, granularity=T)),
    ("A", S(bits=4, symmetric=False)),
    ("A", S(bits=4, granularity={"kind": "group", "size": 32}, scaleBits=16)),
    ("A", S(bits=2, granularity={"kind": "group", "size": 8})),
    ("A", S(bits=3, symmetric=False, granularity=T, clipQuantile=0.99)),
    ("A", S(bits=16, granularity=T)),
    ("A", S(bits=5, restricted=False)),
    ("A", S(bits=6, clipQuantile=0.95)),
    ("R", S(bits=4, granularity={"kind": "group", "size": 64}, scaleBits=16)),
    ("R", S(bits=4, symmetric=False, granularity={"kind": "group", "size": 32}, scaleBits=16)),
    ("B", S(symmetric=False, granularity={"kind": "channel", "axis": 1})),
    ("B", S(bits=4, granularity={"kind": "group", "size": 4, "axis": 2})),
    ("B", S(bits=7, granularity={"kind": "channel", "axis": 2})),
    ("C", S(format="fp16", granularity=T)),
    ("C", S(format="bf16", granularity=T)),
    ("C", S(format="tf32", granularity=T)),
    ("C", S(format="fp32", granularity=T)),
    ("A", S(format="fp16", granularity=T)),
    ("A", S(format="fp8e4m3fn")),
    ("A", S(format="fp8e5m2", granularity=T)),
    ("A", S(format="fp4e2m1", granularity={"kind": "group", "size": 32}, scaleBits=16)),
    ("B", S(format="fp8e4m3fn", granularity={"kind": "channel", "axis": 1}, clipQuantile=0.9)),
    ("A", S(format="binary")),
    ("R", S(format="binary", granularity=T)),
    ("A", S(format="ternary")),
    ("R", S(format="ternary", granularity={"kind": "group", "size": 16})),
    ("A", S(format="log2", bits=4, granularity=T)),
    ("A", S(format="log2", bits=3)),
    ("R", S(format="log2", bits=5, granularity={"kind": "group", "size": 32})),
    ("A", S(format="nf4", granularity={"kind": "group", "size": 64}, scaleBits=32)),
    ("R", S(format="nf4", granularity={"kind": "group", "size": 64}, scaleBits=16)),
    ("A", S(format="quantile", bits=4, granularity=T)),
    ("R", S(format="quantile", bits=3)),
    ("B", S(format="quantile", bits=2, granularity={"kind": "channel", "axis": 1}, clipQuantile=0.97)),
]
tensors = {"A": A, "B": Bt, "C": C, "R": R}
out = {"tensors": {k: {"shape": list(v.shape), "values": v.ravel().astype(np.float64).tolist()} for k, v in tensors.items()}, "nf4": nf4_levels().astype(np.float64).tolist(), "cases": [], "llmInt8": []}
for name, spec in cases:
    x = tensors[name].ravel()
    shape = list(tensors[name].shape)
    q, codes, scales, lo, hi, blk, B = quantize(x, shape, spec)
    out["cases"].append({
        "tensor": name,
        "spec": spec,
        "xq": q.astype(np.float64).tolist(),
        "codes": None if codes is None else codes.astype(int).tolist(),
        "scales": scales.astype(np.float64).tolist(),
        "error": errors(x, q, lo, hi, blk, B),
    })
O = (rng.standard_normal((8, 24)) * 0.8).astype(F)
O[:, 5] *= 12
O[3, 17] = -6.0
for name, t, th in [("O", O, 6.0), ("O", O, 3.0), ("A", A, 6.0)]:
    out["llmInt8"].append({"tensor": name, "threshold": th, **llm_int8(t.ravel(), list(t.shape), th)})
out["tensors"]["O"] = {"shape": list(O.shape), "values": O.ravel().astype(np.float64).tolist()}
with open(OUT, "w") as f:
    json.dump(out, f)
print(len(out["cases"]), "cases; torch disagreements per int case:", torch_disagreements)
