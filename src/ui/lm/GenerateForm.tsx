// Text from a prompt by the base model: greedy at temperature 0, else sampled with a seed.
import { useState } from 'react';
import { JobButton } from '../common/JobButton.tsx';
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
          Temperature{' '}
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
      {shown && (
        <p data-testid="lm-generated" style={{ whiteSpace: 'pre-wrap' }}>
          <strong>{shown.prompt}</strong>
          <span data-testid="lm-generated-text">{shown.text}</span>
        </p>
      )}
    </div>
  );
}
