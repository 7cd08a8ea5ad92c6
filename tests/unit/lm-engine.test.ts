// The engine's language model on stories260K: each scored token's text, in order, is the text
// itself; the start-of-text marker writes nothing; a tokenizer of another vocabulary is refused.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { createEngine } from '../../src/engine/host.ts';
import { jobContext } from '../../src/engine/jobs/context.ts';
import { bytesSource } from '../../src/formats/source.ts';

const bytes = (p: string) => new Uint8Array(readFileSync(p));
const TOK = 'public/models/stories260K.tok512.bin';

async function opened() {
  const engine = createEngine({ digits: () => Promise.reject(new Error('no digits')) });
  const m = await engine.run(
    'open',
    { files: [bytesSource('stories260K.bin', bytes('public/models/stories260K.bin'))] },
    jobContext(),
  );
  return { engine, id: m.models[0]!.id };
}

describe('the language model in the engine', () => {
  test('the pieces of the evaluated tokens spell the text; BOS is empty', async () => {
    const { engine, id } = await opened();
    const text = 'The cat sat on the mat. "Hello!" said Mia, café.';
    const e = await engine.run(
      'lmEval',
      {
        modelId: id,
        tokenizer: bytesSource('tok.bin', bytes(TOK)),
        text,
        ctx: 8,
        compression: null,
      },
      jobContext(),
    );
    expect(e.ids[0]).toBe(1);
    expect(e.pieces[0]).toBe('');
    expect(e.pieces.join('')).toBe(text);
    expect(Number.isNaN(e.tokenLoss[0]!)).toBe(true);
    expect(Number.isNaN(e.tokenLoss[8]!)).toBe(true);
    expect(e.tokenLoss[1]).toBeGreaterThan(0);
  });

  test('a tokenizer whose vocabulary differs from the model is refused, naming both sizes', async () => {
    const { engine, id } = await opened();
    const tok = bytes(TOK);
    // The same file with its last token cut off: 511 tokens for a 512-token model. Layout: an int32,
    // then per token a float32 score, an int32 length and the bytes.
    const view = new DataView(tok.buffer, tok.byteOffset, tok.byteLength);
    let at = 4;
    for (let i = 0; i < 511; i++) at += 8 + view.getInt32(at + 4, true);
    const cut = tok.subarray(0, at);
    const run = engine.run(
      'lmEval',
      {
        modelId: id,
        tokenizer: bytesSource('short.bin', cut),
        text: 'Hi.',
        ctx: 8,
        compression: null,
      },
      jobContext(),
    );
    await expect(run).rejects.toThrow(/512/);
  });
});
