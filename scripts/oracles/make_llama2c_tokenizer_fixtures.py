"""Goldens for src/formats/llama2c-tokenizer.ts: llama2.c's tokenizer rule, written here from its
description (run.c's encode; ORACLES.md), not from our code:

  - BOS (id 1) first when asked; then, if the text is not empty, the token whose piece is " "
    (SentencePiece's dummy prefix, "▁" written as a space by llama2.c's tokenizer.py);
  - each character (a Unicode code point, as UTF-8 bytes) becomes the token with exactly those bytes,
    or, when there is none, one byte token per byte (id = byte + 3, after <unk>, <s>, </s>);
  - then, over and over, every adjacent pair whose concatenated bytes are a piece is a candidate;
    the candidate whose piece scores highest (first from the left on a tie; it must beat -1e10)
    becomes that one token, until no pair is a piece.

Reads ../shared/models/stories260K/tok512.bin, writes tests/fixtures/oracle/llama2c_tokenizer.json.
Run from the repository root:  python scripts/oracles/make_llama2c_tokenizer_fixtures.py
Needs only the standard library.
"""

import json
import pathlib
import struct

TOKENIZER = pathlib.Path("../shared/models/stories260K/tok512.bin")
OUT = pathlib.Path("tests/fixtures/oracle/llama2c_tokenizer.json")

STRINGS = [
    "",
    "Once upon a time, there was a little girl named Lily.",
    "She liked to play in the park with her dog.",
    "Tom said, \"Look! A big, red ball!\"",
    "The sun was hot. They were happy.",
    "1234567890",
    "It was 3 o'clock; 42 birds flew away.",
    "Line one.\nLine two.\n\nLine four.",
    "tabs\tand\ttabs",
    "café 😀 中文",
    "naïve Ünïcödé ñ",
    "  leading spaces",
    "trailing spaces   ",
    "many     spaces     between",
    " ",
    "a",
    "?!.,;:-()[]{}",
    "ALL CAPS SHOUTING",
    "The end.",
    "Émilie's über-cool façade — done…",
    "<s> not a special token </s>",
]


def read_tokenizer(path):
    data = path.read_bytes()
    (max_len,) = struct.unpack_from("<i", data, 0)
    pos, pieces, scores = 4, [], []
    while pos < len(data):
        score, n = struct.unpack_from("<fi", data, pos)
        pos += 8
        assert 0 <= n <= max_len and pos + n <= len(data)
        pieces.append(data[pos : pos + n])
        scores.append(score)
        pos += n
    return pieces, scores


def encode(pieces, scores, text, bos):
    lookup = {}
    for i, p in enumerate(pieces):
        lookup.setdefault(p, i)
    out = [1] if bos else []
    if text:
        out.append(lookup[b" "])
    for ch in text:
        b = ch.encode("utf-8")
        if b in lookup:
            out.append(lookup[b])
        else:
            out.extend(x + 3 for x in b)
    while True:
        best = None  # (score, position, id)
        for i in range(len(out) - 1):
            j = lookup.get(pieces[out[i]] + pieces[out[i + 1]])
            if j is None or scores[j] <= -1e10:
                continue
            if best is None or scores[j] > best[0]:
                best = (scores[j], i, j)
        if best is None:
            return out
        _, i, j = best
        out[i : i + 2] = [j]


def main():
    pieces, scores = read_tokenizer(TOKENIZER)
    cases = []
    for s in STRINGS:
        cases.append({"text": s, "bos": True, "ids": encode(pieces, scores, s, True)})
        cases.append({"text": s, "bos": False, "ids": encode(pieces, scores, s, False)})
    doc = {
        "source": "scripts/oracles/make_llama2c_tokenizer_fixtures.py",
        "tokenizer": "stories260K/tok512.bin",
        "vocab_size": len(pieces),
        "cases": cases,
    }
    OUT.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
    print(f"wrote {len(cases)} cases to {OUT}")


if __name__ == "__main__":
    main()
