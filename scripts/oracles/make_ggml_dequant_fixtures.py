"""Goldens for the dequantization of every ggml block type (src/core/quant/ggml-*.ts): random blocks
of each type, dequantized by gguf-py (pip `gguf`, the Python half of llama.cpp), independently of
Slimlab's code.

- tests/fixtures/oracle/ggml_dequant.json: per type, a few blocks of random bytes (base64) and
  gguf.quants.dequantize's float32 values (base64, little-endian, compared bit for bit). The float16
  scale fields are made finite (a random half with an all-ones exponent gets its top exponent bit
  cleared), so the values are numbers; the exponent bytes of MXFP4 and the UE4M3 scales of NVFP4
  include their edge codes. Q8_K and Q1_0 have no gguf-py dequantizer (0.19): their values are
  computed with numpy from llama.cpp's dequantize_row_q8_K / dequantize_row_q1_0 (y = d·q;
  y = ±d by the bit), and the fixture says so.
- tests/fixtures/oracle/ggml_types.gguf: one two-row tensor of each type (and of the integer and
  F64 types) written by gguf-py's GGUFWriter from those raw bytes; the JSON holds the values
  gguf-py's GGUFReader and dequantize read back.

Run from the repository root:  python scripts/oracles/make_ggml_dequant_fixtures.py
Needs numpy and gguf.
"""

import base64
import json
import os
import tempfile
from importlib.metadata import version

import gguf
import numpy as np
from gguf import GGMLQuantizationType as T
from gguf.constants import GGML_QUANT_SIZES
from gguf.quants import dequantize

OUT_JSON = "tests/fixtures/oracle/ggml_dequant.json"
OUT_GGUF = "tests/fixtures/oracle/ggml_types.gguf"
rng = np.random.default_rng(20261203)

# Byte offsets of the float16 fields in one block (llama.cpp ggml-common.h).
F16_FIELDS = {
    T.Q4_0: [0], T.Q4_1: [0, 2], T.Q5_0: [0], T.Q5_1: [0, 2], T.Q8_0: [0],
    T.Q2_K: [80, 82], T.Q3_K: [108], T.Q4_K: [0, 2], T.Q5_K: [0, 2], T.Q6_K: [208],
    T.Q8_K: [], T.IQ2_XXS: [0], T.IQ2_XS: [0], T.IQ2_S: [0], T.IQ3_XXS: [0], T.IQ3_S: [0],
    T.IQ1_S: [0], T.IQ1_M: [], T.IQ4_NL: [0], T.IQ4_XS: [0], T.TQ1_0: [52], T.TQ2_0: [64],
    T.MXFP4: [], T.NVFP4: [], T.Q1_0: [0],
}
# Edge codes forced into the first blocks' scale bytes.
MXFP4_E = [0, 1, 2, 126, 127, 128, 254, 255]
NVFP4_SCALES = [0x00, 0x01, 0x07, 0x08, 0x38, 0x7E, 0x7F, 0x80, 0x81, 0xB8, 0xFE, 0xFF]


def finite_f16(h: int) -> int:
    return h & ~0x4000 if (h >> 10) & 0x1F == 0x1F else h


def make_blocks(t: T, n: int) -> np.ndarray:
    _, size = GGML_QUANT_SIZES[t]
    b = rng.integers(0, 256, (n, size), dtype=np.uint8)
    for blk in b:
        for off in F16_FIELDS[t]:
            h = finite_f16(int(blk[off]) | int(blk[off + 1]) << 8)
            blk[off], blk[off + 1] = h & 0xFF, h >> 8
    if t == T.IQ1_M:
        # The block's float16 scale is the top nibbles of the four u16 scale words.
        for blk in b:
            w = blk[48:56].view(np.uint16).copy()
            d = (w[0] >> 12) | ((w[1] >> 8) & 0xF0) | ((w[2] >> 4) & 0xF00) | (w[3] & 0xF000)
            d = finite_f16(int(d))
            for i in range(4):
                w[i] = (w[i] & 0x0FFF) | (((d >> (4 * i)) & 0xF) << 12)
            blk[48:56] = w.view(np.uint8)
    if t == T.Q8_K:
        d = (rng.standard_normal(n) * 2.0 ** rng.integers(-30, 20, n)).astype(np.float32)
        b[:, 0:4] = d.view(np.uint8).reshape(n, 4)
    if t == T.MXFP4:
        b[:, 0] = (MXFP4_E * n)[:n]
    if t == T.NVFP4:
        b[:, :4] = np.array((NVFP4_SCALES * n)[: 4 * n], dtype=np.uint8).reshape(n, 4)
    return b


def reference(raw: np.ndarray, t: T) -> tuple[np.ndarray, str]:
    """gguf-py's dequantize where it has one; else numpy from llama.cpp's definition."""
    try:
        return dequantize(raw, t).astype(np.float32, copy=False), f"gguf-py {version('gguf')}"
    except NotImplementedError:
        pass
    blocks = raw.reshape(-1, GGML_QUANT_SIZES[t][1])
    if t == T.Q8_K:  # block_q8_K: float d; int8 qs[256]; int16 bsums[16]
        d = blocks[:, 0:4].copy().view(np.float32)
        q = blocks[:, 4:260].view(np.int8).astype(np.float32)
        return (d * q).ravel(), "numpy: llama.cpp dequantize_row_q8_K (y = d * q)"
    if t == T.Q1_0:  # block_q1_0: ggml_half d; uint8 qs[16], bit j of qs[j / 8] (LSB first)
        d = blocks[:, 0:2].copy().view(np.float16).astype(np.float32)
        bits = np.unpackbits(blocks[:, 2:18], axis=-1, bitorder="little")
        return np.where(bits == 1, d, -d).astype(np.float32).ravel(), (
            "numpy: llama.cpp dequantize_row_q1_0 (y = bit ? d : -d)")
    raise NotImplementedError(t.name)


def b64(a: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(a).astype("<f4" if a.dtype == np.float32 else a.dtype).tobytes()).decode()


def main() -> None:
    cases = {}
    for t in F16_FIELDS:
        block, size = GGML_QUANT_SIZES[t]
        n = 4 if block >= 64 else 8
        if t == T.MXFP4:
            n = len(MXFP4_E)
        raw = make_blocks(t, n)
        x, oracle = reference(raw.ravel(), t)
        assert x.dtype == np.float32 and x.size == n * block, t.name
        cases[t.name] = {"id": int(t), "block": block, "bytes": size, "blocks": n,
                         "oracle": oracle, "raw": b64(raw), "expected": b64(x)}

    # One GGUF with a 2-row tensor of each block type and of the integer and F64 types.
    path = os.path.join(tempfile.mkdtemp(), "t.gguf")
    w = gguf.GGUFWriter(path, "llama")
    w.add_name("ggml types fixture")
    for name in cases:
        t = T[name]
        raw = make_blocks(t, 2 * 2 if GGML_QUANT_SIZES[t][0] < 64 else 2)
        w.add_tensor(name.lower(), raw.reshape(2, -1), raw_dtype=t)
    ints = {
        "i8": rng.integers(-128, 128, (2, 5), dtype=np.int8),
        "i16": rng.integers(-32768, 32768, (2, 5), dtype=np.int16),
        "i32": rng.integers(-(2**31), 2**31, (2, 5), dtype=np.int32),
        "i64": rng.integers(-(2**62), 2**62, (2, 5), dtype=np.int64),
        "f64": rng.standard_normal((2, 5)) * 1e10,
    }
    for name, a in ints.items():
        w.add_tensor(name, a)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()

    tensors = {}
    for ti in gguf.GGUFReader(path).tensors:
        t = T(ti.tensor_type)
        if t.name in cases:
            x, oracle = reference(np.asarray(ti.data).ravel().view(np.uint8), t)
        else:
            x, oracle = np.asarray(ti.data).astype(np.float32).ravel(), "GGUFReader data as float32"
        tensors[ti.name] = {"type": t.name, "shape": [int(s) for s in reversed(ti.shape)],
                            "oracle": oracle, "expected": b64(x.astype(np.float32))}
    with open(path, "rb") as f, open(OUT_GGUF, "wb") as g:
        g.write(f.read())

    with open(OUT_JSON, "w") as f:
        json.dump({"gguf_version": version("gguf"), "numpy_version": np.__version__,
                   "blocks": cases, "gguf": {"file": os.path.basename(OUT_GGUF), "tensors": tensors}},
                  f, indent=1)
        f.write("\n")
    print(f"wrote {OUT_JSON} ({os.path.getsize(OUT_JSON)} bytes), {OUT_GGUF} ({os.path.getsize(OUT_GGUF)} bytes)")


if __name__ == "__main__":
    main()
