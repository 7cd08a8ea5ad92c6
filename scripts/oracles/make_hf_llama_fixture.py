"""A Hugging Face Llama folder and its logits, for src/formats/hf-config.ts and the HF-folder path of
src/formats/group.ts: transformers builds a small random LlamaForCausalLM (seeded, no download),
saves it as safetensors in two shards with an index (float16, to keep the folder small), reads it
back in float32 and runs 24 fixed token ids. Its logits are the reference for our forward pass on
the same files read through our readers.

Run from the repository root:  python scripts/oracles/make_hf_llama_fixture.py
(needs torch, transformers, safetensors; writes tests/fixtures/hf-llama/ and
tests/fixtures/oracle/hf_llama_logits.json)
"""

import base64
import json
import os
import shutil

import numpy as np
import torch
from transformers import LlamaConfig, LlamaForCausalLM

DIR = "tests/fixtures/hf-llama"
OUT = "tests/fixtures/oracle/hf_llama_logits.json"
TOKENS = [1, 17, 250, 3, 99, 42, 0, 299, 128, 7, 7, 64, 5, 200, 31, 150, 11, 2, 276, 88, 19, 143, 60, 9]


def main():
    torch.manual_seed(20260118)
    cfg = LlamaConfig(
        hidden_size=48,
        intermediate_size=96,
        num_hidden_layers=2,
        num_attention_heads=6,
        num_key_value_heads=2,
        vocab_size=300,
        max_position_embeddings=128,
        rms_norm_eps=1e-6,
        rope_theta=500000.0,
        tie_word_embeddings=False,
        bos_token_id=1,
        eos_token_id=2,
        # Weights of about 1/sqrt(hidden) rather than 0.02, so that attention is far from uniform
        # and a wrong rotary layout or base shows in the logits.
        initializer_range=0.2,
    )
    model = LlamaForCausalLM(cfg).eval()
    # transformers initialises norms to 1: random gains test that they are applied.
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("norm.weight"):
                p.copy_(1 + 0.2 * torch.randn_like(p))
    shutil.rmtree(DIR, ignore_errors=True)
    model.to(torch.float16).save_pretrained(DIR, safe_serialization=True, max_shard_size="80KB")
    files = sorted(os.listdir(DIR))
    assert "model.safetensors.index.json" in files, files
    assert sum(f.endswith(".safetensors") for f in files) == 2, files

    # The reference reads the saved files back, so it sees exactly the float16 weights we read.
    ref = LlamaForCausalLM.from_pretrained(DIR, dtype=torch.float32).eval()
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
