// Text from a prompt by the base model and, when something is compressed, by the compressed one with
// the same prompt, seed and temperature, side by side: greedy at temperature 0, else sampled.
import { useState } from 'react';
import type { LmGeneration } from '../../engine/types.ts';
import {
  describeLmCompression,
  lmCompressionOf,
  sameCompression,
} from '../../state/lm/compression.ts';
import type { LmGenerations } from '../../state/lm/slice.ts';
import { JobButton } from '../common/JobButton.tsx';
import { Term } from '../common/Term.tsx';
import { generateText } from '../../state/lm/actions.ts';
import { useStore } from '../../state/store.ts';

export function GenerateForm({ tokenizer }: { tokenizer?: string | undefined }) {
  const model = useStore((s) => s.model);
  const made = useStore((s) => s.lmGeneration);
  const [prompt, setPrompt] = useState('Once upon a time');
  const [tokens, setTokens] = useState(64);
  const [temperature, setTemperature] = useState(0);
  const [seed, setSeed] = useState(1);
  const shown = made && made.modelId === model?.id ? made : null;
  const ok = tokens >= 1 && tokens <= 512 && temperature >= 0 && Number.isInteger(seed);
  return (
    <div className="lm-generate" data-testid="lm-generate">
      <h3>Generate</h3>
      <div className="controls">
        <label>
          Prompt{' '}
          <input
            aria-label="Prompt"
            value={prompt}
            size={30}
            onChange={(e) => setPrompt(e.target.value)}
          />
        </label>
        <label>
          Tokens{' '}
          <input
            aria-label="Tokens to generate"
            type="number"
            min={1}
            max={512}
            value={tokens}
            onChange={(e) => setTokens(Number(e.target.value))}
          />
        </label>
        <label>
          <Term k="sampling-temperature">Temperature</Term>{' '}
          <input
            aria-label="Temperature"
            type="number"
            min={0}
            max={2}
            step={0.1}
            value={temperature}
            onChange={(e) => setTemperature(Number(e.target.value))}
          />
        </label>
        <label>
          Seed{' '}
          <input
            aria-label="Seed"
            type="number"
            min={0}
            step={1}
            value={seed}
            onChange={(e) => setSeed(Number(e.target.value))}
          />
        </label>
        <JobButton
          disabled={!ok}
          onClick={() => void generateText({ prompt, tokens, temperature, seed }, tokenizer)}
        >
          Generate
        </JobButton>
        <span className="hint">
          {' '}
          {temperature > 0 ? 'sampled with the seed' : 'greedy: the most likely token each time'}
        </span>
      </div>
      {shown && <SideBySide made={shown} />}
    </div>
  );
}

/** The first generated token where two generations differ (the shorter's length if one stops). */
function firstDifference(a: readonly number[], b: readonly number[]): number | null {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? null : n;
}

/** How many leading characters two texts share. */
function sharedChars(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

function SideBySide({ made }: { made: LmGenerations }) {
  const { base, compressed } = made;
  const now = useStore((s) => lmCompressionOf(s.settings));
  const stale = !sameCompression(now, made.compression);
  const at = compressed ? firstDifference(base.ids, compressed.ids) : null;
  // Where the texts part: the same tokens decode to the same text, so this is at or just after the
  // start of the first different token (two tokens may begin with the same letters).
  const cut = compressed && at !== null ? sharedChars(base.text, compressed.text) : null;
  return (
    <div data-testid="lm-generated">
      {stale && (
        <p className="hint" data-testid="lm-generated-stale">
          Written with another compression than the one now chosen: generate again to compare.
        </p>
      )}
      {compressed && (
        <p className="hint" data-testid="lm-diverge-info">
          {at === null
            ? `The same ${base.ids.length} tokens from both: the compression changed no choice.`
            : `They part at generated token ${at + 1}, marked in both.`}
        </p>
      )}
      <div className={compressed ? 'lm-columns' : undefined}>
        <Column title="Base model" g={base} cut={cut} testid="lm-generated-text" />
        {compressed && (
          <Column
            title={`Compressed: ${describeLmCompression(made.compression)}`}
            g={compressed}
            cut={cut}
            testid="lm-generated-compressed"
          />
        )}
      </div>
    </div>
  );
}

function Column({
  title,
  g,
  cut,
  testid,
}: {
  title: string;
  g: LmGeneration;
  cut: number | null;
  testid: string;
}) {
  return (
    <div className="lm-column">
      <h4>{title}</h4>
      <p style={{ whiteSpace: 'pre-wrap' }}>
        <strong>{g.prompt}</strong>
        <span data-testid={testid}>
          {cut === null ? (
            g.text
          ) : (
            <>
              {g.text.slice(0, cut)}
              <mark className="lm-diverge" data-testid="lm-diverge" title="the texts part here">
                {g.text.slice(cut)}
              </mark>
            </>
          )}
        </span>
      </p>
    </div>
  );
}
