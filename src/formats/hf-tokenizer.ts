// A Hugging Face tokenizer.json run by @huggingface/tokenizers (tokenizers.js, a pure-JS port of the
// Rust `tokenizers` library the Python transformers use): normalizer, pre-tokenizer, model (BPE with
// byte fallback, byte-level BPE, Unigram, WordPiece), post-processor and decoder as the file says.
//
// The start of text: what the file's own post-processor puts before a text (Llama's
// TemplateProcessing puts <s>; GPT-2's ByteLevel puts nothing), found by encoding the empty text
// with the special tokens. When it puts nothing, the model's own start of text (config.json's
// bos_token_id, or a GGUF's tokenizer.ggml.bos_token_id with add_bos_token) goes first, if it has
// one; a model with neither is scored from its first token on. Tokens the post-processor would add
// after the text (an end of text) are left out: the text is scored as a continuation.
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { FormatError } from './errors.ts';
import type { Tokenizer } from './tokenizer.ts';

export interface HfTokenizerOptions {
  /** The model's start and end of text (config.json, GGUF metadata), when the file does not say. */
  bos?: number | null;
  eos?: number | null;
  /** tokenizer_config.json, parsed, when the folder has one. */
  config?: Record<string, unknown> | null;
}

/** A special token named in tokenizer_config.json (a string, or an AddedToken object). */
function configToken(
  config: Record<string, unknown> | null | undefined,
  key: string,
): string | null {
  const v = config?.[key];
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string')
    return (v as { content: string }).content;
  return null;
}

export function hfTokenizer(name: string, json: unknown, o: HfTokenizerOptions = {}): Tokenizer {
  const j = json as { model?: { type?: unknown; vocab?: unknown } } | null;
  if (typeof j !== 'object' || j === null || Array.isArray(j) || typeof j.model !== 'object')
    throw new FormatError(name, 'bad-header', 'model', 'is missing: not a tokenizer.json');
  let tok: HfTokenizer;
  try {
    tok = new HfTokenizer(json as object, o.config ?? {});
  } catch (e) {
    throw new FormatError(
      name,
      'bad-header',
      '',
      `@huggingface/tokenizers cannot run this tokenizer.json (${(e as Error).message})`,
    );
  }
  let vocabSize = 0;
  for (const id of tok.get_vocab(true).values()) vocabSize = Math.max(vocabSize, id + 1);
  if (vocabSize === 0) throw new FormatError(name, 'bad-header', 'model.vocab', 'is empty');
  const special = new Set(tok.get_added_tokens_decoder().keys());
  for (const [id, t] of tok.get_added_tokens_decoder()) if (!t.special) special.delete(id);
  // What the post-processor puts before a text: the empty text has nothing else.
  const prefix = tok.encode('', { add_special_tokens: true }).ids;
  const named = (key: string) => {
    const t = configToken(o.config, key);
    return t === null ? null : (tok.token_to_id(t) ?? null);
  };
  const bos = prefix.length === 1 ? prefix[0]! : (o.bos ?? named('bos_token'));
  const eos = o.eos ?? named('eos_token');
  const start = prefix.length ? prefix : bos !== null ? [bos] : [];
  const decode = (ids: readonly number[]) =>
    ids.length
      ? tok.decode([...ids], { skip_special_tokens: true, clean_up_tokenization_spaces: false })
      : '';
  // An ordinary token, to stand before a token whose own predecessor writes nothing mid-text (an
  // end of text between two texts): the decoder must not treat it as the start of the text.
  let anchor = 0;
  while (anchor < vocabSize && (special.has(anchor) || anchor === bos || anchor === eos)) anchor++;
  return {
    name,
    vocabSize,
    bos,
    eos,
    encode(text, opts) {
      const ids = tok.encode(text, { add_special_tokens: false }).ids;
      return opts.bos ? [...start, ...ids] : ids;
    },
    decode(ids) {
      for (const id of ids)
        if (!(Number.isInteger(id) && id >= 0 && id < vocabSize))
          throw new RangeError(
            `${name}: token id ${id} is outside the ${vocabSize}-token vocabulary`,
          );
      return decode(ids);
    },
    piece(prev, id) {
      if (id === bos || id === eos || special.has(id)) return '';
      const alone = decode([id]);
      if (prev < 0 || prev === bos) return alone;
      // Decoders work on whole sequences (a leading space stripped, bytes fused): the piece is
      // what the token adds to the text of the token before.
      const before = special.has(prev) || prev === eos ? anchor : prev;
      const head = decode([before]);
      const both = decode([before, id]);
      return both.startsWith(head) ? both.slice(head.length) : alone;
    },
  };
}
