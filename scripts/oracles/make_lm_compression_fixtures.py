"""Goldens for the language-model compressions of src/engine/lm.ts and src/core/lm (issue 18): what
each compression does to stories260K's next-token predictions on the start of
public/data/stories-eval.txt, computed here in torch (float32) from the definitions, independently of
the TypeScript code:

  kv int8 / int4   keys (after the rotary embedding) and values rounded when written into the cache:
                   symmetric per token and key/value head, scale = absmax / 127 (or / 7) in float32,
                   codes round-half-to-even and clamped to [-127, 127] (or [-7, 7]), used dequantized
  w8a8             each block projection's input fake-quantized to int8, symmetric per tensor, with
                   scale = T / 127 where T = max |x| of that input over the calibration tokens (the
                   first CALIBRATION tokens, run through the base model); the projection's weight int8
                   per output row (absmax / 127); embedding, norms and classifier kept
  llm.int8         per projection and window: input features (columns) where any token has
                   |x| >= THRESHOLD stay float with their weight columns; the rest is x int8 per row
                   (absmax / 127) times W int8 per output row (absmax / 127 over the non-outlier
                   columns), the two products summed
  int4 g32         every matrix (embedding/classifier and projections) int4 symmetric in groups of 32
                   consecutive inputs of a row (the last group of a 172-wide row has 12), scale =
                   absmax / 7 in float32, round half to even (src/core/quant/spec.ts's 'int' format,
                   restricted symmetric range)

A single rounding flip of an activation moves these numbers visibly (a W8A8 step is about 1/15 of a
typical activation), and float32 sums in another order put a few values on the other side of a
rounding boundary; so each activation case also records how far its PPL and mean KL move when every
projection input is perturbed by a relative 1e-6 (SPREAD_RUNS seeded runs): the bound a test can hold
an independent implementation to. The hooks themselves are checked exactly on small fixed inputs
(`hook_cases`): one projection through W8A8 and LLM.int8(), and the key/value rounding.

The forward pass is written out here (RMSNorm, half-split rotary, grouped-query causal attention,
SwiGLU) so that the hooks sit where the definitions put them; it is checked against transformers'
LlamaForCausalLM on the base weights first. The token ids are the text encoded by llama2.c's rule as
make_llama2c_tokenizer_fixtures.py writes it; the fixture carries both, and the test checks that our
tokenizer gives the same ids. Statistics as make_llama_fixtures.py (llama.cpp's perplexity tool).

Run from the repository root:  python scripts/oracles/make_lm_compression_fixtures.py
(needs numpy, torch, transformers; writes tests/fixtures/oracle/lm_compression.json)
"""

import json
import pathlib
import sys

import numpy as np
import torch

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from make_llama2c_tokenizer_fixtures import encode, read_tokenizer  # noqa: E402
from make_llama_fixtures import build, hf_state, log_softmax64, logits_of, percentile, read_llama2c  # noqa: E402

CKPT = "../shared/models/stories260K/stories260K.bin"
TOKENIZER = pathlib.Path("../shared/models/stories260K/tok512.bin")
TEXT = "public/data/stories-eval.txt"
OUT = "tests/fixtures/oracle/lm_compression.json"
MAX_TOKENS = 128
CALIBRATION = 64
# The paper's threshold: at stories260K it keeps about 1% of the features in float (at 4, 7%).
THRESHOLD = 6.0
PROJ = ["self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"]
f32 = np.float32
SPREAD_RUNS = 8
SPREAD_NOISE = 1e-6


def round_int(x, s, qmax):
    """Codes round(x / s) (half to even, float32 division) clamped to ±qmax, times s; s == 0: zeros."""
    safe = torch.where(s == 0, torch.ones_like(s), s)
    q = torch.clamp(torch.round(x / safe), -qmax, qmax) * safe
    return torch.where(s == 0, torch.zeros_like(q), q)


def per_row(x, qmax):
    s = x.abs().amax(dim=-1, keepdim=True) / qmax
    return round_int(x, s, qmax)


def int4_groups(w, size=32):
    out = torch.empty_like(w)
    for a in range(0, w.shape[1], size):
        out[:, a : a + size] = per_row(w[:, a : a + size], 7)
    return out


def rms_norm(x, w, eps=1e-5):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w


def rope(x, heads, hd, theta=10000.0):
    t = x.shape[0]
    x = x.view(t, heads, hd)
    inv = 1.0 / (theta ** (torch.arange(0, hd, 2, dtype=torch.int64).float() / hd))
    ang = torch.arange(t).float()[:, None] * inv[None, :]
    cos = torch.cat([ang.cos(), ang.cos()], -1)[:, None, :]
    sin = torch.cat([ang.sin(), ang.sin()], -1)[:, None, :]
    rot = torch.cat([-x[..., hd // 2 :], x[..., : hd // 2]], -1)
    return (x * cos + rot * sin).reshape(t, heads * hd)


def forward(c, sd, tokens, project=None, kv=None):
    """Logits [T, vocab]; project(name, x, W) replaces x @ W.T at the block projections."""
    hd = c["dim"] // c["heads"]
    kvh = c["kv_heads"]
    lin = project or (lambda name, x, w: x @ w.T)
    x = sd["model.embed_tokens.weight"][torch.tensor(tokens)]
    t = len(tokens)
    mask = torch.full((t, t), float("-inf")).triu(1)
    for l in range(c["layers"]):
        p = f"model.layers.{l}"
        W = lambda n: sd[f"{p}.{n}.weight"]  # noqa: E731
        h = rms_norm(x, sd[f"{p}.input_layernorm.weight"])
        q = rope(lin(f"{p}.self_attn.q_proj.weight", h, W("self_attn.q_proj")), c["heads"], hd)
        k = rope(lin(f"{p}.self_attn.k_proj.weight", h, W("self_attn.k_proj")), kvh, hd)
        v = lin(f"{p}.self_attn.v_proj.weight", h, W("self_attn.v_proj"))
        if kv:
            k = per_row(k.view(t, kvh, hd), kv).view(t, kvh * hd)
            v = per_row(v.view(t, kvh, hd), kv).view(t, kvh * hd)
        qh = q.view(t, c["heads"], hd).transpose(0, 1)
        rep = c["heads"] // kvh
        kh = k.view(t, kvh, hd).transpose(0, 1).repeat_interleave(rep, 0)
        vh = v.view(t, kvh, hd).transpose(0, 1).repeat_interleave(rep, 0)
        att = torch.softmax(qh @ kh.transpose(1, 2) / np.sqrt(hd) + mask, -1) @ vh
        x = x + lin(f"{p}.self_attn.o_proj.weight", att.transpose(0, 1).reshape(t, -1), W("self_attn.o_proj"))
        h2 = rms_norm(x, sd[f"{p}.post_attention_layernorm.weight"])
        g = lin(f"{p}.mlp.gate_proj.weight", h2, W("mlp.gate_proj"))
        u = lin(f"{p}.mlp.up_proj.weight", h2, W("mlp.up_proj"))
        x = x + lin(f"{p}.mlp.down_proj.weight", torch.nn.functional.silu(g) * u, W("mlp.down_proj"))
    return (rms_norm(x, sd["model.norm.weight"]) @ sd["lm_head.weight"].T).numpy()


def stats(base, q, tokens):
    y = np.array(tokens[1:])
    n = len(y)
    lb, lq = log_softmax64(base[:n]), log_softmax64(q[:n])
    nll_b = -lb[np.arange(n), y]
    nll_q = -lq[np.arange(n), y]
    kl = (np.exp(lb) * (lb - lq)).sum(axis=1)
    ks = np.sort(kl)
    median = float(ks[n // 2]) if n % 2 else float(0.5 * (ks[n // 2] + ks[n // 2 - 1]))
    return {
        "nll": nll_q.tolist(),
        "ppl": float(np.exp(nll_q.mean())),
        "ppl_base": float(np.exp(nll_b.mean())),
        "kl_mean": float(kl.mean()),
        "kl_median": median,
        "kl_p99": percentile(ks, 0.99),
        "kl_max": float(ks[-1]),
        "same_top": float(np.mean(base[:n].argmax(axis=1) == q[:n].argmax(axis=1))),
    }


def spread(c, sd, tokens, base, project, want):
    """Largest relative change of PPL and absolute change of mean KL under tiny input noise."""
    gen = torch.Generator().manual_seed(7)
    dp = dk = 0.0

    def noisy(name, x, wt):
        return project(name, x * (1 + SPREAD_NOISE * torch.randn(x.shape, generator=gen)), wt)

    for _ in range(SPREAD_RUNS):
        s = stats(base, forward(c, sd, tokens, project=noisy), tokens)
        dp = max(dp, abs(s["ppl"] / want["ppl"] - 1))
        dk = max(dk, abs(s["kl_mean"] - want["kl_mean"]))
    return {"ppl_rel": dp, "kl_mean_abs": dk}


def llm_int8_mixed(x, wt, threshold):
    out = x.abs().amax(dim=0) >= threshold
    xr = torch.where(out[None, :], torch.zeros_like(x), x)
    wr = torch.where(out[None, :], torch.zeros_like(wt), wt)
    xm = torch.where(out[None, :], x, per_row(xr, 127))
    wm = torch.where(out[None, :], wt, per_row(wr, 127))
    return xm @ wm.T, out


def hook_cases():
    """One projection x [6, 40] · W [12, 40]ᵀ with two outlier features, and a key tensor."""
    g = torch.Generator().manual_seed(18)
    x = 1.5 * torch.randn(6, 40, generator=g)
    x[2, 5] = 7.25
    x[4, 31] = -9.5
    wt = 0.2 * torch.randn(12, 40, generator=g)
    k = torch.randn(4, 2, 16, generator=g) * torch.tensor([1.0, 3.0])[None, :, None]
    t = 5.0
    y8 = round_int(x, torch.tensor(f32(t) / f32(127)), 127) @ per_row(wt, 127).T
    yi, out = llm_int8_mixed(x, wt, THRESHOLD)
    return {
        "x": x.flatten().tolist(),
        "w": wt.flatten().tolist(),
        "rows": 6,
        "in": 40,
        "out": 12,
        "w8a8_threshold": t,
        "w8a8": y8.flatten().tolist(),
        "llm_int8_threshold": THRESHOLD,
        "llm_int8": yi.flatten().tolist(),
        "llm_int8_outliers": torch.nonzero(out).flatten().tolist(),
        "k": k.flatten().tolist(),
        "head_dim": 16,
        "k_int8": per_row(k, 127).flatten().tolist(),
        "k_int4": per_row(k, 7).flatten().tolist(),
    }


def main():
    c, w = read_llama2c(CKPT)
    sd = hf_state(c, w)
    pieces, scores = read_tokenizer(TOKENIZER)[:2]
    # The longest run of whole sentences from the start of the text within MAX_TOKENS tokens.
    raw = open(TEXT, encoding="utf-8").read()
    text, tokens = "", []
    for end in range(1, 2000):
        if raw[end - 1] == "." and raw[end] == " ":
            ids = encode(pieces, scores, raw[:end], True)
            if len(ids) > MAX_TOKENS:
                break
            text, tokens = raw[:end], ids
    assert len(tokens) > CALIBRATION, len(tokens)

    base = forward(c, sd, tokens)
    hf = logits_of(build(c, sd), tokens)
    assert np.abs(base - hf).max() < 1e-4, np.abs(base - hf).max()

    cases = {}
    with torch.no_grad():
        for bits, qmax in [("int8", 127), ("int4", 7)]:
            cases[f"kv_{bits}"] = stats(base, forward(c, sd, tokens, kv=qmax), tokens)

        # W8A8: ranges from the base model on the calibration tokens.
        absmax = {}

        def observe(name, x, wt):
            absmax[name] = max(absmax.get(name, 0.0), float(x.abs().max()))
            return x @ wt.T

        forward(c, sd, tokens[:CALIBRATION], project=observe)
        wq = {n: per_row(sd[n], 127) for n in absmax}

        def w8a8(name, x, wt):
            s = torch.tensor(f32(absmax[name]) / f32(127))
            return round_int(x, s, 127) @ wq[name].T

        cases["w8a8_minmax"] = stats(base, forward(c, sd, tokens, project=w8a8), tokens)
        cases["w8a8_minmax"]["spread"] = spread(c, sd, tokens, base, w8a8, cases["w8a8_minmax"])
        cases["w8a8_minmax"]["calibration_tokens"] = CALIBRATION
        cases["w8a8_minmax"]["thresholds"] = {n: float(f32(v)) for n, v in absmax.items()}

        kept = {"outliers": 0, "features": 0}
        per_proj = {}

        def llm_int8(name, x, wt):
            y, out = llm_int8_mixed(x, wt, THRESHOLD)
            n = int(out.sum())
            kept["outliers"] += n
            kept["features"] += x.shape[1]
            a = per_proj.setdefault(name, [0, 0])
            a[0] += n
            a[1] += x.shape[1]
            return y

        cases["llm_int8"] = stats(base, forward(c, sd, tokens, project=llm_int8), tokens)
        cases["llm_int8"]["threshold"] = THRESHOLD
        cases["llm_int8"]["kept_fraction"] = kept["outliers"] / kept["features"]
        cases["llm_int8"]["kept_by_projection"] = {n: a[0] / a[1] for n, a in per_proj.items()}
        cases["llm_int8"]["spread"] = spread(c, sd, tokens, base, lambda n, x, wt: llm_int8_mixed(x, wt, THRESHOLD)[0], cases["llm_int8"])

        w4 = {n: (int4_groups(v) if v.ndim == 2 else v) for n, v in sd.items()}
        cases["weights_int4_g32"] = stats(base, forward(c, w4, tokens), tokens)

    fixture = {
        "source": "torch float32 forward written from the definitions in this script's docstring, on stories260K.bin; base checked against transformers LlamaForCausalLM",
        "text": text,
        "tokens": tokens,
        "base": {"nll": stats(base, base, tokens)["nll"], "ppl": stats(base, base, tokens)["ppl"]},
        "cases": cases,
        "hook_cases": hook_cases(),
    }
    with open(OUT, "w") as fh:
        json.dump(fixture, fh)
    print(f"{OUT}: {len(tokens)} tokens, base PPL {fixture['base']['ppl']:.4f}")
    for k, v in cases.items():
        print(f"  {k}: PPL {v['ppl']:.4f}, KL mean {v['kl_mean']:.3e} max {v['kl_max']:.3e}, same top {100 * v['same_top']:.1f}%")
    for k in ["w8a8_minmax", "llm_int8"]:
        print(f"  {k} under {SPREAD_NOISE} input noise: PPL moves {cases[k]['spread']['ppl_rel']:.2e} relative, KL mean {cases[k]['spread']['kl_mean_abs']:.2e}")
    print(f"  llm.int8 at {THRESHOLD}: {100 * cases['llm_int8']['kept_fraction']:.2f}% of features kept in float")


if __name__ == "__main__":
    main()
