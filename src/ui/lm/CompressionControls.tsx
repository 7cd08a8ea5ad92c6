// What the compared language model is compressed with: the tensor panel's weight scheme (or not),
// pruning, low rank, the activations and the KV cache, each a setting in the link. Every label
// carries its glossary entry; menu options, which cannot hold one, carry it as a title.
import { useState } from 'react';
import { CALIBRATION_LABELS } from '../../state/lm/compression.ts';
import { useSetting } from '../../state/settings/hooks.ts';
import { useStore } from '../../state/store.ts';
import { FIELDS } from '../../presets/fields.ts';
import { glossForLabel, glossTitle, type GlossKey } from '../common/glossary.ts';
import { Term } from '../common/Term.tsx';

const ACTIVATIONS: Record<string, string> = {
  off: 'float',
  w8a8: 'int8 (W8A8, calibrated ranges)',
  'llm.int8': 'LLM.int8() (outliers in float)',
};
const PRUNE: Record<string, string> = { off: 'none', magnitude: 'by magnitude', nm24: '2:4' };
const KV: Record<string, string> = { off: 'float', int8: 'int8', int4: 'int4' };
/** The glossary entry of an option, where its words name a technique (W8A8, LLM.int8(), KL…). */
const OPTION_GLOSS: Record<string, GlossKey> = {
  nm24: 'n-m',
  magnitude: 'magnitude',
  kl: 'kl-tensorrt',
  int8: 'kv-quant',
  int4: 'kv-quant',
};
const optionTitle = (value: string, words: string) => {
  const k = OPTION_GLOSS[value] ?? glossForLabel(words);
  return k ? glossTitle(k) : undefined;
};

/** A select over an enum setting's options, with their words. */
function Choice<K extends 'lmKvCache' | 'lmActivations' | 'lmPrune' | 'lmCalibration'>({
  name,
  label,
  gloss,
  words,
}: {
  name: K;
  label: string;
  gloss: GlossKey;
  words: Record<string, string>;
}) {
  const [value, set, locked] = useSetting(name);
  return (
    <label>
      <Term k={gloss}>{label}</Term>{' '}
      <select
        aria-label={label}
        value={value}
        disabled={locked}
        onChange={(e) => set(e.target.value)}
      >
        {FIELDS[name].options.map((o) => (
          <option key={o} value={o} title={optionTitle(o, words[o] ?? o)}>
            {words[o] ?? o}
          </option>
        ))}
      </select>
    </label>
  );
}

/**
 * A number input over a numeric setting: what is typed shows as typed, and reaches the setting
 * once it is a number within the bounds (a half-typed "0." does not snap back).
 */
function Amount({
  name,
  label,
  gloss,
  step,
}: {
  name: 'lmSparsity' | 'lmRankFraction' | 'lmInt8Threshold';
  label: string;
  gloss: GlossKey;
  step: number;
}) {
  const [value, set, locked] = useSetting(name);
  const [draft, setDraft] = useState<string | null>(null);
  const f = FIELDS[name];
  return (
    <label>
      <Term k={gloss}>{label}</Term>{' '}
      <input
        aria-label={label}
        type="number"
        min={f.min}
        max={f.max}
        step={step}
        value={draft ?? value}
        disabled={locked}
        aria-invalid={draft !== null && !valid(draft, f.min, f.max)}
        onChange={(e) => {
          setDraft(e.target.value);
          if (valid(e.target.value, f.min, f.max)) set(Number(e.target.value));
        }}
        onBlur={() => setDraft(null)}
      />
    </label>
  );
}

const valid = (text: string, min: number, max: number) =>
  text.trim() !== '' && Number(text) >= min && Number(text) <= max;

export function CompressionControls() {
  const [weights, setWeights, weightsLocked] = useSetting('lmCompare');
  const [lowRank, setLowRank, rankLocked] = useSetting('lmLowRank');
  const [tokens, setTokens, tokensLocked] = useSetting('lmCalibrationTokens');
  const act = useStore((s) => s.settings.lmActivations);
  const prune = useStore((s) => s.settings.lmPrune);
  const choices = FIELDS.lmCalibrationTokens.choices ?? [];
  return (
    <fieldset className="controls lm-compression" data-testid="lm-compression">
      <legend>Compare with the model compressed by</legend>
      <label>
        <input
          type="checkbox"
          checked={weights}
          disabled={weightsLocked}
          onChange={(e) => setWeights(e.target.checked)}
        />{' '}
        Weights: the tensor panel&apos;s scheme (<Term k="ptq">post-training quantization</Term>)
      </label>
      <Choice name="lmPrune" label="Pruning" gloss="sparsity" words={PRUNE} />
      {prune === 'magnitude' && (
        <Amount name="lmSparsity" label="Sparsity" gloss="magnitude" step={0.05} />
      )}
      <label>
        <input
          type="checkbox"
          checked={lowRank}
          disabled={rankLocked}
          onChange={(e) => setLowRank(e.target.checked)}
        />{' '}
        <Term k="low-rank">Low rank</Term>
      </label>
      {lowRank && (
        <Amount name="lmRankFraction" label="Rank kept (fraction)" gloss="rank" step={0.05} />
      )}
      <Choice name="lmActivations" label="Activations" gloss="w8a8" words={ACTIVATIONS} />
      {act === 'w8a8' && (
        <>
          <Choice
            name="lmCalibration"
            label="Calibration"
            gloss="calibration"
            words={CALIBRATION_LABELS}
          />
          <label>
            <Term k="calibration">Calibration tokens</Term>{' '}
            <select
              aria-label="Calibration tokens"
              value={tokens}
              disabled={tokensLocked}
              onChange={(e) => setTokens(Number(e.target.value))}
            >
              {choices.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          </label>
        </>
      )}
      {act === 'llm.int8' && (
        <Amount
          name="lmInt8Threshold"
          label="Outlier threshold"
          gloss="int8-threshold"
          step={0.5}
        />
      )}
      <Choice name="lmKvCache" label="KV cache" gloss="kv-quant" words={KV} />
    </fieldset>
  );
}
