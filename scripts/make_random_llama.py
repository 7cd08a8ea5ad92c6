"""A seeded random Llama as a Hugging Face folder (config.json + model.safetensors), of any shape,
for benchmarks that need a model of a given size and not its predictions: by default TinyLlama
1.1B's shape (dim 2048, 22 layers, 32 heads, 4 key/value heads, hidden 5632) with a vocabulary of
512, so that the stories260K tokenizer (tok512.bin) fits it: 0.97B parameters, 1.9 GB in bfloat16.

Weights are normal with a standard deviation of 0.02 (transformers' initializer_range), the norms'
gains 1 ± 0.1; written one tensor at a time, so memory stays near the file's size.

Run:  python scripts/make_random_llama.py OUT_DIR [--dim 2048 --layers 22 --heads 32 --kv-heads 4
        --hidden 5632 --vocab 512 --ctx 2048 --dtype bf16|f16|f32 --seed 0]
(needs torch and safetensors; bench/lm-memory.ts runs it into a temporary folder)
"""

import argparse
import json
import os

import torch
from safetensors.torch import save_file

DTYPES = {"bf16": torch.bfloat16, "f16": torch.float16, "f32": torch.float32}
DTYPE_NAMES = {"bf16": "bfloat16", "f16": "float16", "f32": "float32"}


def shapes(a):
    hd = a.dim // a.heads
    kv = a.kv_heads * hd
    out = {"model.embed_tokens.weight": (a.vocab, a.dim)}
    for l in range(a.layers):
        p = f"model.layers.{l}"
        out[f"{p}.input_layernorm.weight"] = (a.dim,)
        out[f"{p}.self_attn.q_proj.weight"] = (a.dim, a.dim)
        out[f"{p}.self_attn.k_proj.weight"] = (kv, a.dim)
        out[f"{p}.self_attn.v_proj.weight"] = (kv, a.dim)
        out[f"{p}.self_attn.o_proj.weight"] = (a.dim, a.dim)
        out[f"{p}.post_attention_layernorm.weight"] = (a.dim,)
        out[f"{p}.mlp.gate_proj.weight"] = (a.hidden, a.dim)
        out[f"{p}.mlp.up_proj.weight"] = (a.hidden, a.dim)
        out[f"{p}.mlp.down_proj.weight"] = (a.dim, a.hidden)
    out["model.norm.weight"] = (a.dim,)
    out["lm_head.weight"] = (a.vocab, a.dim)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--dim", type=int, default=2048)
    ap.add_argument("--layers", type=int, default=22)
    ap.add_argument("--heads", type=int, default=32)
    ap.add_argument("--kv-heads", type=int, default=4)
    ap.add_argument("--hidden", type=int, default=5632)
    ap.add_argument("--vocab", type=int, default=512)
    ap.add_argument("--ctx", type=int, default=2048)
    ap.add_argument("--dtype", choices=sorted(DTYPES), default="bf16")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    if a.dim % a.heads or a.heads % a.kv_heads or (a.dim // a.heads) % 2:
        ap.error(f"dim {a.dim}, heads {a.heads}, kv heads {a.kv_heads}: need dim = heads × an even head size, heads a multiple of kv heads")

    g = torch.Generator().manual_seed(a.seed)
    tensors = {}
    for name, shape in shapes(a).items():
        if len(shape) == 1:
            t = 1 + 0.1 * torch.randn(shape, generator=g)
        else:
            t = 0.02 * torch.randn(shape, generator=g)
        tensors[name] = t.to(DTYPES[a.dtype])
    params = sum(t.numel() for t in tensors.values())
    os.makedirs(a.out, exist_ok=True)
    save_file(tensors, os.path.join(a.out, "model.safetensors"), metadata={"format": "pt"})
    config = {
        "architectures": ["LlamaForCausalLM"],
        "model_type": "llama",
        "hidden_size": a.dim,
        "intermediate_size": a.hidden,
        "num_hidden_layers": a.layers,
        "num_attention_heads": a.heads,
        "num_key_value_heads": a.kv_heads,
        "vocab_size": a.vocab,
        "max_position_embeddings": a.ctx,
        "rms_norm_eps": 1e-5,
        "rope_theta": 10000.0,
        "tie_word_embeddings": False,
        "hidden_act": "silu",
        "attention_bias": False,
        "mlp_bias": False,
        "bos_token_id": 1,
        "eos_token_id": 2,
        "torch_dtype": DTYPE_NAMES[a.dtype],
    }
    with open(os.path.join(a.out, "config.json"), "w") as fh:
        json.dump(config, fh, indent=2)
    print(json.dumps({"params": params, "bytes": os.path.getsize(os.path.join(a.out, "model.safetensors"))}))


if __name__ == "__main__":
    main()
