// The evaluated text token by token, each shaded by its loss under the base model (or by how far
// the compressed model's prediction of it moved, KL), the tokens where the two disagree most
// outlined and listed. Arrow keys (or the pointer) walk the tokens; the line below says what the
// current one scored.
import { useMemo, useRef, useState, type CSSProperties, type KeyboardEvent } from 'react';
import { scaleLinear } from 'd3-scale';
import type { LmScores } from '../../state/lm/slice.ts';

/** Loss past which the shade stops darkening: ln 400, a uniform guess among 400 tokens. */
const LOSS_TOP = 6;
const LOSS_COLORS = ['#ffffff', '#fde68a', '#fca5a5'];
// Light enough at the top for the dark text on them to stay readable.
const KL_COLORS = ['#ffffff', '#ddd6fe', '#a78bfa'];

type By = 'loss' | 'kl';
/** How many of the most-disagreeing tokens are outlined and listed. */
const WORST = 10;
const WORST_OUTLINE = '2px dashed #7c3aed';

/** The `n` tokens of largest KL (finite and above zero), largest first. */
function mostDisagreeing(kl: ArrayLike<number>, n = WORST): number[] {
  const idx: number[] = [];
  for (let i = 0; i < kl.length; i++) if (kl[i]! > 0) idx.push(i);
  return idx.sort((a, b) => kl[b]! - kl[a]! || a - b).slice(0, n);
}

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
  const stream = useRef<HTMLDivElement>(null);
  const worst = useMemo(() => (kl ? mostDisagreeing(kl) : []), [kl]);
  // Each token's shade, and its span: built once per result and mode, so that moving the current
  // token redraws two spans and not the whole text.
  const { styles, spans } = useMemo(() => {
    const marked = new Set(worst);
    const color = scaleLinear<string>()
      .domain([0, top / 2, top])
      .range(mode === 'kl' ? KL_COLORS : LOSS_COLORS)
      .clamp(true);
    const styles: CSSProperties[] = pieces.map((_, i) => {
      const v = values[i]!;
      const shade: CSSProperties = Number.isFinite(v)
        ? { background: color(v), color: '#111' }
        : { borderLeft: '2px solid #888', textDecoration: 'underline dotted' };
      return marked.has(i) ? { ...shade, outline: WORST_OUTLINE, outlineOffset: '-1px' } : shade;
    });
    const spans = pieces.map((p, i) => (
      <span key={i} data-i={i} data-worst={marked.has(i) || undefined} style={styles[i]}>
        {p}
      </span>
    ));
    return { styles, spans };
  }, [pieces, values, top, mode, worst]);
  /** Makes a token the current one and scrolls the text to it. */
  const goTo = (i: number) => {
    setCur(i);
    stream.current
      ?.querySelector(`[data-i="${i}"]`)
      ?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  };
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
            <mark
              key={i}
              data-i={i}
              data-worst={worst.includes(i) || undefined}
              style={{ ...styles[i], outline: '2px solid #1d4ed8' }}
            >
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
              {b === 'loss' ? 'its loss (base model)' : 'KL, compressed against base'}
            </label>
          ))}
        </fieldset>
      )}
      <div
        ref={stream}
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
      {kl && worst.length > 0 && (
        <div className="lm-worst" data-testid="lm-worst">
          <span id="lm-worst-label">
            Most-disagreeing tokens (outlined, dashed; largest KL first):
          </span>
          <ol aria-labelledby="lm-worst-label">
            {worst.map((i) => (
              <li key={i}>
                <button
                  type="button"
                  data-i={i}
                  aria-label={`Token ${i + 1}, ${JSON.stringify(pieces[i] ?? '')}: KL ${kl[i]!.toPrecision(3)} nats`}
                  aria-pressed={cur === i}
                  onClick={() => goTo(i)}
                >
                  <code>{JSON.stringify(pieces[i] ?? '')}</code> {kl[i]!.toPrecision(3)}
                </button>
              </li>
            ))}
          </ol>
        </div>
      )}
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
      ? `; KL compressed vs base ${kl.toPrecision(3)} nats`
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
