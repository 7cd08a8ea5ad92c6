"""ONNX models for the peer comparison in `npm run bench` (onnxruntime-web's WebGPU backend).

Run: python bench/make_models.py  (needs the onnx package; writes bench/models/*.onnx)

- matmul.onnx: C = MatMul(A[M, K], B[K, N]), all dimensions symbolic, so one model serves every
  shape; B is an input so that it can stay on the GPU between runs, as our kernel's weights do.
- mha.onnx: com.microsoft MultiHeadAttention with 2 heads, inputs [batch, tokens, 2 × head size];
  the contrib operator onnxruntime-web runs on WebGPU.
"""

from pathlib import Path

import onnx
from onnx import TensorProto, helper

OUT = Path(__file__).resolve().parent / "models"
# IR 8 (opset 17 era): what onnxruntime 1.2x, web included, loads.
IR_VERSION = 8


def matmul() -> onnx.ModelProto:
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["A", "B"], ["C"])],
        "matmul",
        [
            helper.make_tensor_value_info("A", TensorProto.FLOAT, ["M", "K"]),
            helper.make_tensor_value_info("B", TensorProto.FLOAT, ["K", "N"]),
        ],
        [helper.make_tensor_value_info("C", TensorProto.FLOAT, ["M", "N"])],
    )
    return helper.make_model(graph, ir_version=IR_VERSION, opset_imports=[helper.make_opsetid("", 17)])


def mha(heads: int = 2) -> onnx.ModelProto:
    node = helper.make_node(
        "MultiHeadAttention",
        ["Q", "K", "V"],
        ["O"],
        domain="com.microsoft",
        num_heads=heads,
    )
    dims = ["batch", "tokens", "hidden"]
    graph = helper.make_graph(
        [node],
        "mha",
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, dims) for n in "QKV"],
        [helper.make_tensor_value_info("O", TensorProto.FLOAT, dims)],
    )
    return helper.make_model(
        graph,
        ir_version=IR_VERSION,
        opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)],
    )


if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    for name, model in [("matmul", matmul()), ("mha", mha())]:
        onnx.checker.check_model(model)
        path = OUT / f"{name}.onnx"
        onnx.save(model, path)
        print(f"{path.name}: {path.stat().st_size} bytes")
