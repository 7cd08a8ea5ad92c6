"""ONNX exports of two Llama models for the language-model benchmark (bench/lm.ts), so that
onnxruntime runs the same computation as our CPU forward pass on the same weights:

- stories260K: the llama2.c checkpoint converted to Hugging Face's LlamaForCausalLM exactly as
  make_llama_fixtures.py does it (imported from there: numpy reader, q/k rows permuted to HF's
  half-split rotary), then exported. Our side reads the .bin itself.
- llama25m: a seeded random LlamaForCausalLM of about 25M parameters (dim 512, 8 layers, 8 heads,
  4 key/value heads, hidden 1536, vocabulary 512 so the stories tokenizer fits), saved as a
  Hugging Face folder (config.json + float32 model.safetensors) that our loader opens, and
  exported from the weights read back from that folder.

Each model.onnx takes input_ids int64 [1, T] (T symbolic) and gives logits float32 [1, T, vocab]:
one teacher-forced window, no key/value-cache inputs or outputs (use_cache=False), eager attention.

Run from the repository root:
  python scripts/oracles/export_llama_onnx.py OUT_DIR [--ckpt public/models/stories260K.bin]
(needs numpy, torch, transformers, safetensors, onnx; writes OUT_DIR/stories260K/model.onnx and
OUT_DIR/llama25m/{config.json, model.safetensors, model.onnx}; the bench passes a cache folder
outside the repository)
"""

import argparse
import os
import sys

import numpy as np
import onnx
import torch
from transformers import LlamaConfig, LlamaForCausalLM

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_llama_fixtures import build, hf_state, read_llama2c  # noqa: E402

LLAMA25M = dict(
    hidden_size=512,
    intermediate_size=1536,
    num_hidden_layers=8,
    num_attention_heads=8,
    num_key_value_heads=4,
    vocab_size=512,
    max_position_embeddings=1024,
)


class Logits(torch.nn.Module):
    """input_ids [1, T] -> logits [1, T, vocab], one window from an empty cache."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids):
        return self.model(input_ids=input_ids, use_cache=False).logits


def export(model, vocab, path, seq):
    model.config._attn_implementation = "eager"
    model.eval()
    ids = torch.randint(0, vocab, (1, seq), generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        want = model(input_ids=ids, use_cache=False).logits.float().numpy()
        torch.onnx.export(
            Logits(model),
            (ids,),
            path,
            input_names=["input_ids"],
            output_names=["logits"],
            dynamic_shapes={"input_ids": {1: torch.export.Dim("T", min=2, max=model.config.max_position_embeddings)}},
            opset_version=18,
            dynamo=True,
            external_data=False,
        )
    onnx.checker.check_model(path)
    # The export must compute what transformers does: checked here with onnxruntime when present
    # (the bench checks our logits against onnxruntime's again).
    try:
        import onnxruntime as ort
    except ImportError:
        return
    got = ort.InferenceSession(path, providers=["CPUExecutionProvider"]).run(None, {"input_ids": ids.numpy()})[0]
    d = float(np.abs(got - want).max())
    assert d < 1e-3, f"{path}: onnxruntime differs from transformers by {d}"
    print(f"{path}: max |Δlogit| onnxruntime vs transformers {d:.2e}")


def stories(ckpt, out):
    c, w = read_llama2c(ckpt)
    model = build(c, hf_state(c, w))
    os.makedirs(out, exist_ok=True)
    export(model, c["vocab"], os.path.join(out, "model.onnx"), 64)


def llama25m(out):
    torch.manual_seed(20261203)
    cfg = LlamaConfig(
        **LLAMA25M,
        rms_norm_eps=1e-5,
        rope_theta=10000.0,
        tie_word_embeddings=False,
        bos_token_id=1,
        eos_token_id=2,
        # Larger than transformers' 0.02 so that attention is far from uniform.
        initializer_range=0.05,
    )
    model = LlamaForCausalLM(cfg).eval()
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("norm.weight"):
                p.copy_(1 + 0.2 * torch.randn_like(p))
    params = sum(p.numel() for p in model.parameters())
    model.save_pretrained(out, safe_serialization=True, max_shard_size="1GB")
    # Exported from the saved files, so onnxruntime and our loader see the same float32 weights.
    saved = LlamaForCausalLM.from_pretrained(out, dtype=torch.float32)
    export(saved, cfg.vocab_size, os.path.join(out, "model.onnx"), 64)
    print(f"{out}: {params / 1e6:.1f}M parameters")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", help="folder for stories260K/ and llama25m/")
    ap.add_argument("--ckpt", default="public/models/stories260K.bin")
    a = ap.parse_args()
    stories(a.ckpt, os.path.join(a.out, "stories260K"))
    llama25m(os.path.join(a.out, "llama25m"))


if __name__ == "__main__":
    main()
