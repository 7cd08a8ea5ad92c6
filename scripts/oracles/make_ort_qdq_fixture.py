"""QuantizeLinear by onnxruntime on a million float32 values, recorded as SHA-256 digests of the codes.

The inputs are not stored: both sides compute them from the same formula, exact in IEEE doubles,
  x[i] = float32(((i * 2654435761) mod 2^32) / 2^32 * 40 - 20)   for i in [0, 1_000_000),
and the test hashes its own codes to compare. Needs numpy, onnx, onnxruntime.
Run from the repository root:  python scripts/oracles/make_ort_qdq_fixture.py
"""

import hashlib
import json

import numpy as np
import onnxruntime as ort
from onnx import TensorProto, helper

N = 1_000_000
i = np.arange(N, dtype=np.uint64)
k = (i * np.uint64(2654435761)) % np.uint64(2**32)
x = (k.astype(np.float64) / 2**32 * 40 - 20).astype(np.float32)

cases = []
for dtype, onnx_type, np_type, scale, zp in [
    ("int8", TensorProto.INT8, np.int8, 0.0137, 3),
    ("uint8", TensorProto.UINT8, np.uint8, 0.0951, 128),
    ("int16", TensorProto.INT16, np.int16, 0.000731, -5),
    ("uint16", TensorProto.UINT16, np.uint16, 0.000613, 32768),
]:
    node = helper.make_node("QuantizeLinear", ["x", "s", "z"], ["y"])
    g = helper.make_graph(
        [node],
        "q",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [N])],
        [helper.make_tensor_value_info("y", onnx_type, [N])],
        initializer=[helper.make_tensor("s", TensorProto.FLOAT, [], [scale]), helper.make_tensor("z", onnx_type, [], [zp])],
    )
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", 21)])
    model.ir_version = 10
    sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    y = sess.run(None, {"x": x})[0].astype(np_type)
    cases.append({"dtype": dtype, "scale": float(np.float32(scale)), "zero_point": zp, "sha256": hashlib.sha256(y.tobytes()).hexdigest(), "sum": int(y.astype(np.int64).sum())})

with open("tests/fixtures/oracle/ort_qdq.json", "w") as f:
    json.dump({"count": N, "onnxruntime": ort.__version__, "cases": cases}, f, indent=1)
print(cases)
