"""The upstream ONNX node test cases for QuantizeLinear and DequantizeLinear, as JSON.

Each case: the node's attributes, its inputs and its expected output (values as numbers, dtypes by
name; 8-bit float and sub-byte integer values are written as the numbers they stand for).
Run from the repository root:  python scripts/oracles/make_qdq_fixtures.py   (needs onnx, numpy)
"""

import json
import warnings

import numpy as np
import onnx.backend.test.case.node as cases
from onnx import TensorProto, helper, numpy_helper

warnings.filterwarnings("ignore")
cases.collect_testcases(None)


def as_list(a):
    if isinstance(a, TensorProto):
        a = numpy_helper.to_array(a)
    a = np.asarray(a)
    name = str(a.dtype)
    return {"dtype": name, "shape": list(a.shape), "values": a.astype(np.float64).ravel().tolist()}


out = []
for c in cases._NodeTestCases:
    if c.name not in {t for t in [c.name] if ("quantizelinear" in c.name and "dynamic" not in c.name)}:
        continue
    node = c.model.graph.node[0]
    attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
    inputs = [as_list(v) for v in c.data_sets[0][0]]
    outputs = [as_list(v) for v in c.data_sets[0][1]]
    out.append({"name": c.name, "op": node.op_type, "attributes": attrs, "inputs": inputs, "output": outputs[0]})

with open("tests/fixtures/oracle/qdq_cases.json", "w") as f:
    json.dump(out, f, indent=1)
print(len(out), "cases:", sorted({(o["output"]["dtype"], o["op"]) for o in out}))
