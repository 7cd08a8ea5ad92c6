// The evaluated text token by token, each shaded by its loss under the base model (or by how far
// the quantized model's prediction of it moved, KL). Arrow keys (or the pointer) walk the tokens;
// the line below says what the current one scored.
import { useMemo, useState, type CSSProperties, type KeyboardEvent } from 'react';
import { scaleLinear } from 'd3-scale';
import type { LmScores } from '../../state/lm/slice.ts';

/** Loss past which the shade stops darkening: ln 400, a uniform guess among 400 tokens. */
const LOSS_TOP = 6;
const LOSS_COLORS = ['#ffffff', '#fde68a', '#fca5a5'];
// Light enough at the top for the dark text on them to stay readable.
const KL_COLORS = ['#ffffff', '#ddd6fe', '#a78bfa'];

type By = 'loss' | 'kl';
/** Keys that move the current token, and by how many tokens. */
const STEP: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, PageDown: 20, PageUp: -20 };

export function TokenStream({ scores }: { scores: LmScores }) {
  const [by, setBy] = useState<By>('loss');
  const [cur, setCur] = useState(-1);
  const kl = scores.compressed?.tokenKl ?? null;
  const mode: By = by === 'kl' && kl ? 'kl' : 'loss';
  const values = mode === 'kl' ? kl! : scores.tokenLoss;
  // KL of a good quantization is tiny: the shade spans 0 to the p99 of this text's KL.
  const top = mode === 'kl' ? Math.max(scores.compressed!.kl.p99, 1e-6) : LOSS_TOP;
  const pieces = scores.pieces;
  // Each token's shade, and its span: built once per result and mode, so that moving the current
  // token redraws two spans and not the whole text.
  const { styles, spans } = useMemo(() => {
    const color = scaleLinear<string>()
      .domain([0, top / 2, top])
      .range(mode === 'kl' ? KL_COLORS : LOSS_COLORS)
      .clamp(true);
    const styles: CSSProperties[] = pieces.map((_, i) => {
      const v = values[i]!;
      return Number.isFinite(v)
        ? { background: color(v), color: '#111' }
        : { borderLeft: '2px solid #888', textDecoration: 'underline dotted' };
    });
    const spans = pieces.map((p, i) => (
      <span key={i} data-i={i} style={styles[i]}>
        {p}
      </span>
    ));
    return { styles, spans };
  }, [pieces, values, top, mode]);
  const last = pieces.length - 1;
  const onKey = (e: KeyboardEvent) => {
    const from = cur < 0 ? 0 : cur;
    const next =
      e.key === 'Home' ? 0 : e.key === 'End' ? last : e.key in STEP ? from + STEP[e.key]! : null;
    if (next === null) return;
    e.preventDefault();
    setCur(Math.min(last, Math.max(0, next)));
  };
  const shown =
    cur >= 0 && cur <= last
      ? spans.map((s, i) =>
          i === cur ? (
            <mark key={i} data-i={i} style={{ ...styles[i], outline: '2px solid #1d4ed8' }}>
              {pieces[i]}
            </mark>
          ) : (
            s
          ),
        )
      : spans;
  return (
    <figure className="lm-tokens" data-testid="lm-tokens">
      {kl && (
        <fieldset className="controls">
          <legend>Shade each token by</legend>
          {(['loss', 'kl'] as const).map((b) => (
            <label key={b}>
              <input type="radio" name="lm-shade" checked={mode === b} onChange={() => setBy(b)} />{' '}
              {b === 'loss' ? 'its loss (base model)' : 'KL, quantized against base'}
            </label>
          ))}
        </fieldset>
      )}
      <div
        tabIndex={0}
        role="group"
        aria-label="The text token by token: arrow keys move from token to token"
        aria-describedby="lm-token-info"
        data-testid="lm-stream"
        data-by={mode}
        style={{ whiteSpace: 'pre-wrap', lineHeight: 1.6, maxHeight: '16em', overflow: 'auto' }}
        onKeyDown={onKey}
        onClick={(e) => {
          const i = (e.target as HTMLElement).dataset.i;
          if (i !== undefined) setCur(Number(i));
        }}
      >
        {shown}
      </div>
      <p id="lm-token-info" aria-live="polite" data-testid="lm-token-info">
        {cur >= 0
          ? describe(scores, cur)
          : 'Click a token, or focus the text and use the arrow keys.'}
      </p>
      <figcaption>
        <Legend mode={mode} top={top} /> Underlined with a bar before it: the first token of a{' '}
        {scores.ctx}-token window, which nothing before it predicts (not scored).
      </figcaption>
    </figure>
  );
}

function describe(s: LmScores, i: number): string {
  const loss = s.tokenLoss[i]!;
  const kl = s.compressed?.tokenKl[i];
  const head = `Token ${i + 1} of ${s.tokens}, ${JSON.stringify(s.pieces[i] ?? '')}: `;
  if (!Number.isFinite(loss)) return `${head}not scored (the start of a window).`;
  const p = Math.exp(-loss) * 100;
  const k =
    kl !== undefined && Number.isFinite(kl)
      ? `; KL quantized vs base ${kl.toPrecision(3)} nats`
      : '';
  return `${head}loss ${loss.toFixed(3)} nats (the model gave it ${p.toFixed(1)}%)${k}.`;
}

function Legend({ mode, top }: { mode: By; top: number }) {
  const colors = mode === 'kl' ? KL_COLORS : LOSS_COLORS;
  const label = mode === 'kl' ? 'KL, nats' : 'loss, nats';
  return (
    <span className="lm-legend" data-testid="lm-legend">
      {label}: 0{' '}
      <span
        aria-hidden="true"
        style={{
          display: 'inline-block',
          width: '8em',
          height: '0.8em',
          border: '1px solid #888',
          background: `linear-gradient(to right, ${colors.join(', ')})`,
        }}
      />{' '}
      ≥{' '}
      {mode === 'kl' ? `${top.toPrecision(2)} (this text's p99)` : `${top} (a fair pick among 400)`}
      .
    </span>
  );
}
