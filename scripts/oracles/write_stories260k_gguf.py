"""stories260K (a llama2.c checkpoint and its tok512.bin) written as a llama GGUF with gguf-py, the way
llama.cpp's converters lay one out: `llama.*` hyperparameters, the SentencePiece vocabulary as
tokenizer.ggml.tokens/scores/token_type ("▁" for spaces, as in the .model file; llama2.c's
tokenizer.py had written it as " "), bos 1 / eos 2 / unk 0, and the tensors under llama.cpp's names
(token_embd, blk.N.attn_q …, output_norm; no output.weight: the classifier is the embedding). q/k
rows stay as llama2.c stores them, which is the interleaved rotary layout llama.cpp's llama GGUFs use.

With --type f16 or q8_0 the matrices are stored that way (gguf-py's own quantizer), the norms stay
f32 (with q8_0, a matrix whose rows are not a multiple of 32 is f16); --expected FILE.npz also writes every tensor as gguf-py's GGUFReader reads it back and
dequantizes it (float32, under its GGUF name), the reference for our reader.

  python scripts/oracles/write_stories260k_gguf.py MODEL.bin TOKENIZER.bin OUT.gguf [--type T] [--expected X.npz]
Needs: gguf, numpy. Used by tests/unit/gguf-llama.test.ts at test time (SLIMLAB_PYTHON).
"""

import argparse
import struct

import numpy as np
import gguf


def read_checkpoint(path):
    raw = open(path, "rb").read()
    dim, hidden, layers, heads, kv_heads, vocab, seq_len = struct.unpack("<7i", raw[:28])
    shared = vocab > 0
    vocab = abs(vocab)
    hd = dim // heads
    kv = kv_heads * hd
    data = np.frombuffer(raw, dtype="<f4", offset=28)
    at = 0

    def take(*shape):
        nonlocal at
        n = int(np.prod(shape))
        out = data[at : at + n].reshape(shape)
        at += n
        return out

    t = {"token_embd.weight": take(vocab, dim)}
    per_layer = [
        ("attn_norm", (dim,)),
        ("attn_q", (dim, dim)),
        ("attn_k", (kv, dim)),
        ("attn_v", (kv, dim)),
        ("attn_output", (dim, dim)),
        ("ffn_norm", (dim,)),
        ("ffn_gate", (hidden, dim)),
        ("ffn_down", (dim, hidden)),
        ("ffn_up", (hidden, dim)),
    ]
    for name, shape in per_layer:
        stacked = take(layers, *shape)
        for layer in range(layers):
            t[f"blk.{layer}.{name}.weight"] = stacked[layer]
    t["output_norm.weight"] = take(dim)
    take(seq_len, hd)  # llama2.c's precomputed rotary tables
    if not shared:
        t["output.weight"] = take(vocab, dim)
    cfg = dict(dim=dim, hidden=hidden, layers=layers, heads=heads, kv_heads=kv_heads, vocab=vocab,
               seq_len=seq_len)
    return cfg, t


def read_tokenizer(path):
    raw = open(path, "rb").read()
    at = 4
    tokens, scores = [], []
    while at < len(raw):
        score, n = struct.unpack("<fi", raw[at : at + 8])
        tokens.append(raw[at + 8 : at + 8 + n].decode("utf-8").replace(" ", "\u2581"))
        scores.append(score)
        at += 8 + n
    types = []
    for i, tok in enumerate(tokens):
        if i == 0:
            types.append(gguf.TokenType.UNKNOWN)
        elif i in (1, 2):
            types.append(gguf.TokenType.CONTROL)
        elif tok.startswith("<0x") and tok.endswith(">") and len(tok) == 6:
            types.append(gguf.TokenType.BYTE)
        else:
            types.append(gguf.TokenType.NORMAL)
    return tokens, scores, types


def main():
    p = argparse.ArgumentParser()
    p.add_argument("model")
    p.add_argument("tokenizer")
    p.add_argument("out")
    p.add_argument("--type", default="f32", choices=["f32", "f16", "q8_0"])
    p.add_argument("--expected")
    a = p.parse_args()
    cfg, tensors = read_checkpoint(a.model)
    tokens, scores, types = read_tokenizer(a.tokenizer)
    w = gguf.GGUFWriter(a.out, "llama")
    w.add_name("stories260K")
    w.add_context_length(cfg["seq_len"])
    w.add_embedding_length(cfg["dim"])
    w.add_block_count(cfg["layers"])
    w.add_feed_forward_length(cfg["hidden"])
    w.add_head_count(cfg["heads"])
    w.add_head_count_kv(cfg["kv_heads"])
    w.add_layer_norm_rms_eps(1e-5)
    w.add_rope_freq_base(10000.0)
    w.add_rope_dimension_count(cfg["dim"] // cfg["heads"])
    w.add_vocab_size(cfg["vocab"])
    w.add_tokenizer_model("llama")
    w.add_token_list(tokens)
    w.add_token_scores(scores)
    w.add_token_types(types)
    w.add_bos_token_id(1)
    w.add_eos_token_id(2)
    w.add_unk_token_id(0)
    w.add_add_bos_token(True)
    for name, x in tensors.items():
        x = np.ascontiguousarray(x, dtype=np.float32)
        if x.ndim < 2 or a.type == "f32":
            w.add_tensor(name, x)
        elif a.type == "f16" or x.shape[-1] % 32:
            # Q8_0 blocks run along rows of 32: like llama.cpp's quantizer, a matrix whose rows
            # do not divide (ffn_down's 172) falls back to f16.
            w.add_tensor(name, x.astype(np.float16))
        else:
            q = gguf.quants.quantize(x, gguf.GGMLQuantizationType.Q8_0)
            w.add_tensor(name, q, raw_shape=q.shape, raw_dtype=gguf.GGMLQuantizationType.Q8_0)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    if a.expected:
        r = gguf.GGUFReader(a.out)
        out = {}
        for t in r.tensors:
            x = gguf.quants.dequantize(t.data, t.tensor_type)
            out[t.name] = np.asarray(x, dtype=np.float32).reshape(
                [int(d) for d in reversed(t.shape.tolist())]
            )
        np.savez(a.expected, **out)


if __name__ == "__main__":
    main()
