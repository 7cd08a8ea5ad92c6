// The open language model (a llama2.c checkpoint): its perplexity on a text, the compressed model
// (the tensor panel's weight scheme, pruning, low rank, activations, KV cache) measured against it
// token by token, the texts both generate, and its weights ranked by the KL each one causes.
import { useEffect, useRef } from 'react';
import { JobButton } from '../common/JobButton.tsx';
import {
  chooseTokenizer,
  ownTokenizer,
  evaluateText,
  loadDefaultText,
  noteTokenizerUrl,
  setLmText,
} from '../../state/lm/actions.ts';
import { lmCompressionOf, sameCompression } from '../../state/lm/compression.ts';
import { useSetting } from '../../state/settings/hooks.ts';
import { useStore } from '../../state/store.ts';
import { CompressionControls } from './CompressionControls.tsx';
import { GenerateForm } from './GenerateForm.tsx';
import { LmScoresTable } from './LmScoresTable.tsx';
import { LmSensitivityTable } from './LmSensitivityTable.tsx';
import { TokenStream } from './TokenStream.tsx';

const DEFAULT_TEXT = `${import.meta.env.BASE_URL}data/stories-eval.txt`;
const CONTEXTS = [64, 128, 256, 512];

/** `tokenizer`: the URL of the demo's tokenizer; a model without one asks for a file. */
export function LanguageModelPanel({ tokenizer }: { tokenizer?: string | undefined }) {
  const model = useStore((s) => s.model);
  const scores = useStore((s) => s.lmScores);
  const compression = useStore((s) => lmCompressionOf(s.settings));
  const [ctx, setCtx] = useSetting('lmCtx');
  useEffect(() => void loadDefaultText(DEFAULT_TEXT), []);
  useEffect(() => noteTokenizerUrl(model?.id, tokenizer), [model?.id, tokenizer]);
  // Any model the engine runs as a language model (llama2.c, a Hugging Face folder, a GGUF).
  if (!model?.languageModel) return null;
  const shown = scores?.modelId === model.id ? scores : null;
  const stale = shown && (shown.ctx !== ctx || !sameCompression(shown.compression, compression));
  return (
    <section
      className="language-model"
      aria-label="Language model"
      data-testid="language-model"
      // The whole width, as the other model panels have (theirs is in app.css, not this file's).
      style={{ gridColumn: '1 / -1' }}
    >
      <header>
        <h2>Language model</h2>
        <p>
          {model.file} is a Llama-family language model Slimlab runs here, in the tab (on WebGPU or
          the CPU). Its perplexity on a text says how well it predicts each next token; the same
          text through the compressed model (its weights, activations or KV cache) shows what the
          compression costs.
        </p>
      </header>
      {!tokenizer && <TokenizerChooser />}
      <TextArea />
      <CompressionControls />
      <div className="controls">
        <label>
          Context{' '}
          <select aria-label="Context" value={ctx} onChange={(e) => setCtx(Number(e.target.value))}>
            {CONTEXTS.map((c) => (
              <option key={c} value={c}>
                {c} tokens
              </option>
            ))}
          </select>
        </label>
        <JobButton onClick={() => void evaluateText(tokenizer)}>
          {shown ? 'Evaluate again' : 'Evaluate'}
        </JobButton>
        {stale && (
          <span className="hint" data-testid="lm-stale">
            {' '}
            (evaluated with another context or compression)
          </span>
        )}
      </div>
      {shown && <LmScoresTable scores={shown} />}
      {shown && <TokenStream scores={shown} />}
      <GenerateForm tokenizer={tokenizer} />
      <LmSensitivityTable tokenizer={tokenizer} />
    </section>
  );
}

function TextArea() {
  const text = useStore((s) => s.lmText);
  return (
    <label className="lm-text">
      Text to evaluate
      <textarea
        aria-label="Text to evaluate"
        data-testid="lm-text"
        rows={6}
        style={{ display: 'block', width: '100%' }}
        value={text ?? ''}
        placeholder={text === null ? 'Loading the default text…' : 'Type or paste a text'}
        onChange={(e) => setLmText(e.target.value)}
      />
    </label>
  );
}

/**
 * The tokenizer: a dropped llama2.c checkpoint holds none, so the person picks its tokenizer.bin (or
 * a tokenizer.json); a Hugging Face folder's tokenizer.json or a GGUF's vocabulary is used unless
 * the person picks another file.
 */
function TokenizerChooser() {
  const input = useRef<HTMLInputElement>(null);
  const model = useStore((s) => s.model);
  const chosen = useStore((s) => s.lmTokenizer);
  const name = chosen && chosen.modelId === model?.id ? chosen.name : null;
  const own = model ? ownTokenizer(model) : null;
  return (
    <p className="controls" data-testid="lm-tokenizer">
      <button type="button" onClick={() => input.current?.click()}>
        Tokenizer file…
      </button>
      <input
        ref={input}
        type="file"
        accept=".bin,.json"
        hidden
        aria-label="Tokenizer file"
        onChange={(e) => {
          const f = e.target.files?.[0];
          e.target.value = '';
          if (f) chooseTokenizer(f);
        }}
      />{' '}
      <span className="hint">
        {name
          ? `Tokenizer: ${name}`
          : own
            ? `Tokenizer: ${own} (choose a tokenizer.json or tokenizer.bin to use another).`
            : model?.format === 'llama2c'
              ? "A llama2.c checkpoint holds no tokenizer: choose its tokenizer.bin (llama2.c's format) or a tokenizer.json."
              : "This model came without a tokenizer: drop its folder's tokenizer.json with it, or choose a tokenizer.json or tokenizer.bin."}
      </span>
    </p>
  );
}
