// The open language model (a llama2.c checkpoint): its perplexity on a text, the quantized model
// (the tensor panel's scheme) measured against it token by token, and text it generates.
import { useEffect, useRef } from 'react';
import { JobButton } from '../common/JobButton.tsx';
import {
  chooseTokenizer,
  evaluateText,
  loadDefaultText,
  setLmText,
} from '../../state/lm/actions.ts';
import { useQuantSpec, useSetting } from '../../state/settings/hooks.ts';
import { useStore } from '../../state/store.ts';
import { GenerateForm } from './GenerateForm.tsx';
import { LmScoresTable } from './LmScoresTable.tsx';
import { TokenStream } from './TokenStream.tsx';

const DEFAULT_TEXT = `${import.meta.env.BASE_URL}data/stories-eval.txt`;
const CONTEXTS = [64, 128, 256, 512];

/** `tokenizer`: the URL of the demo's tokenizer; a model without one asks for a file. */
export function LanguageModelPanel({ tokenizer }: { tokenizer?: string | undefined }) {
  const model = useStore((s) => s.model);
  const scores = useStore((s) => s.lmScores);
  const spec = useQuantSpec();
  const [ctx, setCtx] = useSetting('lmCtx');
  const [compare, setCompare] = useSetting('lmCompare');
  useEffect(() => void loadDefaultText(DEFAULT_TEXT), []);
  if (model?.format !== 'llama2c') return null;
  const shown = scores?.modelId === model.id ? scores : null;
  const stale =
    shown &&
    (shown.ctx !== ctx || JSON.stringify(shown.spec) !== JSON.stringify(compare ? spec : null));
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
          {model.file} is a Llama language model Slimlab runs here, on the CPU of the worker. Its
          perplexity on a text says how well it predicts each next token; the same text through the
          model quantized with the tensor panel&apos;s scheme shows what the quantization costs.
        </p>
      </header>
      {!tokenizer && <TokenizerChooser />}
      <TextArea />
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
        <label>
          <input type="checkbox" checked={compare} onChange={(e) => setCompare(e.target.checked)} />{' '}
          Compare with the quantized model (the tensor panel&apos;s scheme)
        </label>
        <JobButton onClick={() => void evaluateText(tokenizer)}>
          {shown ? 'Evaluate again' : 'Evaluate'}
        </JobButton>
        {stale && <span className="hint"> (evaluated with another context or scheme)</span>}
      </div>
      {shown && <LmScoresTable scores={shown} />}
      {shown && <TokenStream scores={shown} />}
      <GenerateForm tokenizer={tokenizer} />
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

/** A dropped checkpoint holds no tokenizer: the person picks its tokenizer.bin. */
function TokenizerChooser() {
  const input = useRef<HTMLInputElement>(null);
  const model = useStore((s) => s.model);
  const chosen = useStore((s) => s.lmTokenizer);
  const name = chosen && chosen.modelId === model?.id ? chosen.name : null;
  return (
    <p className="controls" data-testid="lm-tokenizer">
      <button type="button" onClick={() => input.current?.click()}>
        Tokenizer file…
      </button>
      <input
        ref={input}
        type="file"
        accept=".bin"
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
          : "A llama2.c checkpoint holds no tokenizer: choose its tokenizer.bin (llama2.c's format)."}
      </span>
    </p>
  );
}
