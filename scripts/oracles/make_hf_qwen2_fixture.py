"""A Hugging Face Qwen2 folder and its logits, for the q/k/v biases of src/core/lm/llama.ts and
Qwen2ForCausalLM in src/formats/hf-config.ts: transformers builds a small random Qwen2ForCausalLM
(seeded, no download; tied embeddings, as Qwen2's small models), with random q/k/v biases and norm
gains (transformers initialises them to 0 and 1), saves it as one float16 safetensors file, reads it
back in float32 and runs 24 fixed token ids. Its logits are the reference for our forward pass on
the same file read through our readers.

Run from the repository root:  python scripts/oracles/make_hf_qwen2_fixture.py
(needs torch, transformers, safetensors; writes tests/fixtures/hf-qwen2/ and
tests/fixtures/oracle/hf_qwen2_logits.json)
"""

import base64
import json
import os
import shutil

import torch
from transformers import Qwen2Config, Qwen2ForCausalLM

DIR = "tests/fixtures/hf-qwen2"
OUT = "tests/fixtures/oracle/hf_qwen2_logits.json"
TOKENS = [1, 17, 250, 3, 99, 42, 0, 299, 128, 7, 7, 64, 5, 200, 31, 150, 11, 2, 276, 88, 19, 143, 60, 9]


def main():
    torch.manual_seed(20261203)
    cfg = Qwen2Config(
        hidden_size=48,
        intermediate_size=96,
        num_hidden_layers=2,
        num_attention_heads=6,
        num_key_value_heads=2,
        vocab_size=300,
        max_position_embeddings=128,
        rms_norm_eps=1e-6,
        rope_theta=1000000.0,
        tie_word_embeddings=True,
        use_sliding_window=False,
        bos_token_id=1,
        eos_token_id=2,
        # Weights of about 1/sqrt(hidden) rather than 0.02, so that attention is far from uniform.
        initializer_range=0.2,
    )
    model = Qwen2ForCausalLM(cfg).eval()
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("norm.weight"):
                p.copy_(1 + 0.2 * torch.randn_like(p))
            elif name.endswith("_proj.bias"):
                p.copy_(0.5 * torch.randn_like(p))
    names = [n for n, _ in model.named_parameters()]
    assert any(n.endswith("q_proj.bias") for n in names) and not any(n.endswith("o_proj.bias") for n in names), names
    shutil.rmtree(DIR, ignore_errors=True)
    model.to(torch.float16).save_pretrained(DIR, safe_serialization=True)
    files = sorted(os.listdir(DIR))

    ref = Qwen2ForCausalLM.from_pretrained(DIR, dtype=torch.float32).eval()
    with torch.no_grad():
        logits = ref(torch.tensor([TOKENS])).logits[0].float().numpy()
    assert logits.shape == (len(TOKENS), cfg.vocab_size)
    fixture = {
        "files": files,
        "tokens": TOKENS,
        "logits_f32_b64": base64.b64encode(logits.astype("<f4").tobytes()).decode("ascii"),
    }
    with open(OUT, "w") as fh:
        json.dump(fixture, fh)
    print(files, sum(os.path.getsize(os.path.join(DIR, f)) for f in files), "bytes")


if __name__ == "__main__":
    main()
