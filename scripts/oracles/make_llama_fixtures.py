"""Goldens for src/core/lm (llama.ts, metrics.ts): Hugging Face transformers' LlamaForCausalLM on the
stories260K weights, and llama.cpp-style perplexity / KL statistics computed in numpy.

The checkpoint is read here with numpy (llama2.c's legacy version-0 layout, as its export.py writes
and run.c reads it), independently of src/formats/llama2c.ts. q/k rows are permuted from llama2.c's
interleaved rotary pairs to HF's half-split layout, as HF's and llama.cpp's conversion scripts do.

A perturbed model (every 2-D weight rounded to int8 per output channel, symmetric, by torch) gives
the "quantized" logits that the KL / same-top / Δp statistics compare with the base logits. Those
logits are stored as float16 to keep the fixture small; the statistics below are computed on exactly
the stored (float16-rounded) values, so the TypeScript side sees the same inputs.

Run from the repository root:  python scripts/oracles/make_llama_fixtures.py
(needs numpy, torch, transformers; writes tests/fixtures/oracle/stories260K_logits.json)
"""

import base64
import json

import numpy as np
import torch
from transformers import LlamaConfig, LlamaForCausalLM

CKPT = "../shared/models/stories260K/stories260K.bin"
OUT = "tests/fixtures/oracle/stories260K_logits.json"


def read_llama2c(path):
    raw = open(path, "rb").read()
    dim, hidden, layers, heads, kv_heads, vocab, seq_len = np.frombuffer(raw, np.int32, 7)
    shared = vocab > 0
    vocab = abs(int(vocab))
    hd = dim // heads
    kv_dim = kv_heads * hd
    f = np.frombuffer(raw, np.float32, offset=28)
    pos = 0

    def take(*shape):
        nonlocal pos
        n = int(np.prod(shape))
        a = f[pos : pos + n].reshape(shape)
        pos += n
        return a

    w = {
        "tok": take(vocab, dim),
        "rms_att": take(layers, dim),
        "wq": take(layers, dim, dim),
        "wk": take(layers, kv_dim, dim),
        "wv": take(layers, kv_dim, dim),
        "wo": take(layers, dim, dim),
        "rms_ffn": take(layers, dim),
        "w1": take(layers, hidden, dim),
        "w2": take(layers, dim, hidden),
        "w3": take(layers, hidden, dim),
        "rms_final": take(dim),
    }
    take(seq_len, hd // 2)  # freq_cis_real: unused (recomputed from theta)
    take(seq_len, hd // 2)  # freq_cis_imag
    if not shared:
        w["wcls"] = take(vocab, dim)
    assert pos == f.size, f"{path}: {f.size - pos} floats left after the last tensor"
    cfg = dict(dim=int(dim), hidden=int(hidden), layers=int(layers), heads=int(heads), kv_heads=int(kv_heads), vocab=vocab, seq_len=int(seq_len), shared=bool(shared))
    return cfg, w


def permute(w, n_heads):
    """llama2.c's interleaved rotary rows -> HF's half-split rows (HF convert_llama_weights_to_hf.py)."""
    out_dim, in_dim = w.shape
    return w.reshape(n_heads, out_dim // n_heads // 2, 2, in_dim).transpose(0, 2, 1, 3).reshape(out_dim, in_dim)


def hf_state(c, w):
    sd = {"model.embed_tokens.weight": w["tok"], "model.norm.weight": w["rms_final"]}
    for l in range(c["layers"]):
        p = f"model.layers.{l}"
        sd[f"{p}.input_layernorm.weight"] = w["rms_att"][l]
        sd[f"{p}.self_attn.q_proj.weight"] = permute(w["wq"][l], c["heads"])
        sd[f"{p}.self_attn.k_proj.weight"] = permute(w["wk"][l], c["kv_heads"])
        sd[f"{p}.self_attn.v_proj.weight"] = w["wv"][l]
        sd[f"{p}.self_attn.o_proj.weight"] = w["wo"][l]
        sd[f"{p}.post_attention_layernorm.weight"] = w["rms_ffn"][l]
        sd[f"{p}.mlp.gate_proj.weight"] = w["w1"][l]
        sd[f"{p}.mlp.down_proj.weight"] = w["w2"][l]
        sd[f"{p}.mlp.up_proj.weight"] = w["w3"][l]
    sd["lm_head.weight"] = w["wcls"] if "wcls" in w else w["tok"]
    return {k: torch.from_numpy(np.array(v, dtype=np.float32)) for k, v in sd.items()}  # writable copies


def build(c, sd):
    hf = LlamaConfig(
        vocab_size=c["vocab"],
        hidden_size=c["dim"],
        intermediate_size=c["hidden"],
        num_hidden_layers=c["layers"],
        num_attention_heads=c["heads"],
        num_key_value_heads=c["kv_heads"],
        max_position_embeddings=c["seq_len"],
        rms_norm_eps=1e-5,
        rope_theta=10000.0,
        tie_word_embeddings=c["shared"],
        attention_bias=False,
        mlp_bias=False,
        hidden_act="silu",
        bos_token_id=1,
        eos_token_id=2,
    )
    hf._attn_implementation = "eager"
    model = LlamaForCausalLM(hf).to(torch.float32).eval()
    missing, unexpected = model.load_state_dict(sd, strict=False)
    assert not unexpected, unexpected
    assert set(missing) <= {"lm_head.weight"}, missing
    if c["shared"]:
        model.tie_weights()
        assert model.lm_head.weight.data_ptr() == model.model.embed_tokens.weight.data_ptr()
    return model


def int8_per_channel(sd):
    """Symmetric int8 per output row (scale = absmax / 127, round half to even), for 2-D tensors."""
    out = {}
    for k, v in sd.items():
        if v.ndim == 2:
            s = v.abs().amax(dim=1, keepdim=True) / 127
            s = torch.where(s == 0, torch.ones_like(s), s)
            out[k] = (torch.clamp(torch.round(v / s), -127, 127) * s).to(torch.float32)
        else:
            out[k] = v.clone()
    return out


def logits_of(model, tokens):
    with torch.no_grad():
        return model(torch.tensor([tokens], dtype=torch.long)).logits[0].to(torch.float32).numpy()


def log_softmax64(z):
    z = z.astype(np.float64)
    m = z.max(axis=1, keepdims=True)
    return z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True))


def percentile(sorted_v, f):
    """llama.cpp's perplexity.cpp `percentile`: linear interpolation at f * (n - 1)."""
    p = f * (len(sorted_v) - 1)
    i = int(np.floor(p))
    r = p - i
    return float((1 - r) * sorted_v[i] + r * sorted_v[min(i + 1, len(sorted_v) - 1)])


def stats(base, q, tokens):
    y = np.array(tokens[1:])
    n = len(y)
    lb, lq = log_softmax64(base[:n]), log_softmax64(q[:n])
    nll_b = -lb[np.arange(n), y]
    nll_q = -lq[np.arange(n), y]
    kl = (np.exp(lb) * (lb - lq)).sum(axis=1)
    ks = np.sort(kl)
    median = float(ks[n // 2]) if n % 2 else float(0.5 * (ks[n // 2] + ks[n // 2 - 1]))
    same = float(np.mean(base[:n].argmax(axis=1) == q[:n].argmax(axis=1)))
    dp = np.exp(-nll_q) - np.exp(-nll_b)
    return {
        "nll": nll_q.tolist(),
        "ppl": float(np.exp(nll_q.mean())),
        "ppl_base": float(np.exp(nll_b.mean())),
        "kl": kl.tolist(),
        "kl_summary": {"mean": float(kl.mean()), "median": median, "p90": percentile(ks, 0.9), "p99": percentile(ks, 0.99), "p99_9": percentile(ks, 0.999), "max": float(ks[-1]), "min": float(ks[0])},
        "same_top": same,
        "dp_rms": float(np.sqrt(np.mean(dp**2))),
        "ln_ppl_ratio": float(nll_q.mean() - nll_b.mean()),
    }


def b64(a, dtype):
    return base64.b64encode(np.ascontiguousarray(a, dtype=dtype).tobytes()).decode("ascii")


def main():
    torch.manual_seed(0)
    c, w = read_llama2c(CKPT)
    assert c == dict(dim=64, hidden=172, layers=5, heads=8, kv_heads=4, vocab=512, seq_len=512, shared=True), c
    sd = hf_state(c, w)
    model = build(c, sd)
    # A story the model itself tells (seeded sampling after BOS), so the statistics are those of
    # text it predicts well, not of random ids.
    gen = torch.Generator().manual_seed(20261201)
    tokens = [1]
    while len(tokens) < 64:
        p = torch.softmax(torch.from_numpy(logits_of(model, tokens)[-1]).double(), 0)
        tokens.append(int(torch.multinomial(p, 1, generator=gen)))

    base = logits_of(model, tokens)
    quant = logits_of(build(c, int8_per_channel(sd)), tokens)
    quant16 = quant.astype(np.float16)
    quant_stored = quant16.astype(np.float32)  # what the fixture holds, and what the stats see

    base_stats = stats(base, base, tokens)
    fixture = {
        "source": "transformers LlamaForCausalLM (eager attention, float32) on stories260K.bin, q/k rows permuted to HF's half-split rotary",
        "config": c,
        "tokens": tokens,
        "logits_f32_b64": b64(base, "<f4"),
        "base": {"nll": base_stats["nll"], "ppl": base_stats["ppl"]},
        "quantized": {
            "method": "every 2-D weight (embedding/classifier and projections) to symmetric int8 per output row; logits stored as float16",
            "logits_f16_b64": b64(quant16, "<f2"),
            **stats(base, quant_stored, tokens),
            "max_abs_dlogit_f32_vs_f16": float(np.abs(quant - quant_stored).max()),
        },
    }
    with open(OUT, "w") as fh:
        json.dump(fixture, fh)
    q = fixture["quantized"]
    print(f"{OUT}: {len(tokens)} tokens, base PPL {base_stats['ppl']:.4f}, int8 PPL {q['ppl']:.4f}, mean KL {q['kl_summary']['mean']:.3e}, same top {100 * q['same_top']:.1f}%")


if __name__ == "__main__":
    main()
