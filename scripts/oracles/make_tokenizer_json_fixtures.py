"""Small tokenizer.json files and their goldens for src/formats/hf-tokenizer.ts, made with the
Python `tokenizers` library (Hugging Face's Rust implementation) without any download: two BPE
tokenizers trained on public/data/stories-eval.txt with a small vocabulary,

  - gpt2-bpe.json: GPT-2 style byte-level BPE (ByteLevel pre-tokenizer, post-processor and decoder);
  - llama-bpe.json: Llama 2 style BPE with byte fallback (<unk>, <s>, </s> at ids 0..2, the byte
    tokens <0x00>..<0xFF> at ids 3..258, "▁" for spaces with one prepended, a TemplateProcessing
    post-processor that puts <s> first, and the ByteFallback/Fuse/Strip decoder of Llama's files);
  - gpt2-bpe-300.json: the first with 300 tokens, the vocabulary of tests/fixtures/hf-llama's model,
    as that folder's tokenizer.json,

and, for a set of tricky strings, the ids `tokenizers` gives with and without the special tokens of
the post-processor, and its decode of them (special tokens skipped). Writes
tests/fixtures/tokenizers/*.json and tests/fixtures/oracle/tokenizer_json_goldens.json.
Run from the repository root:  python scripts/oracles/make_tokenizer_json_fixtures.py
Needs: tokenizers.
"""

import json
import pathlib

from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers

TEXT = pathlib.Path("public/data/stories-eval.txt")
TOK_DIR = pathlib.Path("tests/fixtures/tokenizers")
OUT = pathlib.Path("tests/fixtures/oracle/tokenizer_json_goldens.json")

STRINGS = [
    "",
    " ",
    "a",
    "Once upon a time, there was a little girl named Lily.",
    "  leading spaces",
    "trailing spaces   ",
    "many     spaces     between",
    "Line one.\nLine two.\n\nLine four.\n",
    "\n",
    "tabs\tand\ttabs",
    "café 😀 中文",
    "naïve Ünïcödé ñ",
    "emoji 👍🏽 family 👨‍👩‍👧",
    "It was 3 o'clock; 42 birds flew away.",
    "Tom said, \"Look! A big, red ball!\"",
    "<s> and </s> as text",
    "<|endoftext|> between <|endoftext|>",
]


def lines():
    return TEXT.read_text(encoding="utf-8").splitlines()


def gpt2_bpe(vocab_size=400) -> Tokenizer:
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=["<|endoftext|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(lines(), trainer)
    return tok


def llama_bpe() -> Tokenizer:
    specials = ["<unk>", "<s>", "</s>"]
    tok = Tokenizer(models.BPE(unk_token="<unk>", byte_fallback=True, fuse_unk=True))
    tok.normalizer = normalizers.Sequence(
        [normalizers.Prepend("▁"), normalizers.Replace(" ", "▁")]
    )
    trainer = trainers.BpeTrainer(vocab_size=300, special_tokens=specials, show_progress=False)
    tok.train_from_iterator(lines(), trainer)
    # Llama's layout: the specials, then the 256 byte tokens (in the model's vocabulary, not added
    # tokens: byte fallback looks them up there), then the learned pieces; merges keep their order.
    j = json.loads(tok.to_str())
    learned = sorted(
        ((t, i) for t, i in j["model"]["vocab"].items() if t not in specials), key=lambda x: x[1]
    )
    vocab = {t: i for i, t in enumerate(specials)}
    for b in range(256):
        vocab[f"<0x{b:02X}>"] = len(vocab)
    for t, _ in learned:
        if t not in vocab:
            vocab[t] = len(vocab)
    j["model"]["vocab"] = vocab
    j["added_tokens"] = [
        {
            "id": vocab[t],
            "content": t,
            "single_word": False,
            "lstrip": False,
            "rstrip": False,
            "normalized": False,
            "special": True,
        }
        for t in specials
    ]
    j["post_processor"] = {
        "type": "TemplateProcessing",
        "single": [
            {"SpecialToken": {"id": "<s>", "type_id": 0}},
            {"Sequence": {"id": "A", "type_id": 0}},
        ],
        "pair": [
            {"SpecialToken": {"id": "<s>", "type_id": 0}},
            {"Sequence": {"id": "A", "type_id": 0}},
            {"SpecialToken": {"id": "<s>", "type_id": 1}},
            {"Sequence": {"id": "B", "type_id": 1}},
        ],
        "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}},
    }
    j["decoder"] = {
        "type": "Sequence",
        "decoders": [
            {"type": "Replace", "pattern": {"String": "▁"}, "content": " "},
            {"type": "ByteFallback"},
            {"type": "Fuse"},
            {"type": "Strip", "content": " ", "start": 1, "stop": 0},
        ],
    }
    return Tokenizer.from_str(json.dumps(j))


def main():
    TOK_DIR.mkdir(parents=True, exist_ok=True)
    out = {"source": "scripts/oracles/make_tokenizer_json_fixtures.py", "tokenizers": {}}
    for name, make in [
        ("gpt2-bpe", gpt2_bpe),
        ("llama-bpe", llama_bpe),
        ("gpt2-bpe-300", lambda: gpt2_bpe(300)),
    ]:
        tok = make()
        path = TOK_DIR / f"{name}.json"
        path.write_text(tok.to_str(), encoding="utf-8")
        tok = Tokenizer.from_file(str(path))
        cases = []
        for s in STRINGS:
            with_special = tok.encode(s, add_special_tokens=True).ids
            plain = tok.encode(s, add_special_tokens=False).ids
            cases.append(
                {
                    "text": s,
                    "ids_special": with_special,
                    "ids": plain,
                    "decoded": tok.decode(with_special, skip_special_tokens=True),
                    "pieces": [tok.decode([i], skip_special_tokens=True) for i in plain],
                }
            )
        out["tokenizers"][name] = {
            "file": f"{name}.json",
            "vocab_size": tok.get_vocab_size(with_added_tokens=True),
            "cases": cases,
        }
    OUT.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
