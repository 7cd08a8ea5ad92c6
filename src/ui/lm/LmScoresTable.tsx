// What an evaluation measured, each with a line on how to read it: what was compressed, then
// llama.cpp's measures for a compressed model against its base (perplexity ratio, KL divergence,
// same top token, Δp).
import type { ReactNode } from 'react';
import { describeLmCompression } from '../../state/lm/compression.ts';
import type { LmScores } from '../../state/lm/slice.ts';
import { formatCount } from '../common/format.ts';
import { LabelTerm } from '../common/LabelTerm.tsx';

interface Row {
  id: string;
  name: string;
  /** The number behind the cell (read by tests and the CSV export); none for a text row. */
  value?: number;
  shown: string;
  help: ReactNode;
}

const num = (v: number, digits = 4) => (Number.isFinite(v) ? v.toPrecision(digits) : '—');
const pct = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)}%` : '—');

function rowsOf(s: LmScores): Row[] {
  const rows: Row[] = [
    {
      id: 'ppl',
      name: 'Perplexity',
      value: s.ppl,
      shown: num(s.ppl),
      help: 'e^(mean loss): as unsure as a fair pick among this many tokens at each step. Lower is better.',
    },
    {
      id: 'tokens',
      name: 'Tokens / scored',
      value: s.scored,
      shown: `${formatCount(s.tokens)} / ${formatCount(s.scored)}`,
      help: `The text's tokens (with the start token) / those predicted: all but the first of each ${s.ctx}-token window.`,
    },
    {
      id: 'ran-on',
      name: 'Ran on',
      shown:
        s.on.compressed && s.on.compressed !== s.on.base
          ? `${s.on.base}; compressed: ${s.on.compressed}`
          : s.on.base,
      help: 'Where the forward passes ran: WebGPU on a hardware adapter; the CPU without one, on a software adapter (slower there), and for compressions of the activations or the KV cache, which run on the CPU only.',
    },
  ];
  const c = s.compressed;
  if (!c) return rows;
  return [
    ...rows,
    {
      id: 'compression',
      name: 'Compressed',
      shown: describeLmCompression(s.compression),
      help: 'What the compared model changed; everything else (the norms, the rest) as the base.',
    },
    ...notesOf(c),
    {
      id: 'ppl-q',
      name: 'Perplexity, compressed',
      value: c.ppl,
      shown: num(c.ppl),
      help: 'The same text through the compressed model.',
    },
    {
      id: 'ln-ratio',
      name: 'ln(PPL_q / PPL_base)',
      value: c.lnPplRatio,
      shown: num(c.lnPplRatio, 3),
      help: 'Extra loss per token (nats): 0.01 is about 1% more perplexity; near 0, the compression costs nothing on this text.',
    },
    {
      id: 'kl',
      name: 'KL mean / median / p99 / max',
      value: c.kl.mean,
      shown: [c.kl.mean, c.kl.median, c.kl.p99, c.kl.max].map((v) => num(v, 3)).join(' / '),
      help: 'How far each next-token distribution moved from the base (nats, 0 = unchanged). The mean sums it up; p99 and max point at the worst tokens.',
    },
    {
      id: 'same-top',
      name: 'Same top token',
      value: c.sameTopPct,
      shown: pct(c.sameTopPct),
      help: 'Tokens where both models would pick the same next token: at 100% greedy text is unchanged.',
    },
    {
      id: 'dp-rms',
      name: 'Δp RMS',
      value: c.dpRmsPct,
      shown: pct(c.dpRmsPct),
      help: "RMS change of the probability given to the text's actual next token, in percentage points.",
    },
  ];
}

/** What the compression did besides moving the logits: its weights' counts, LLM.int8()'s floats. */
function notesOf(c: NonNullable<LmScores['compressed']>): Row[] {
  const rows: Row[] = [];
  const w = c.weights;
  if (w) {
    const parts: string[] = [];
    if (w.sparsity !== null) parts.push(`${pct(w.sparsity * 100)} of projection weights zero`);
    if (w.lowRankParams !== null)
      parts.push(
        `low-rank factors ${formatCount(w.lowRankParams)} of ${formatCount(w.projectionParams)} parameters`,
      );
    if (w.bitsPerWeight !== null) parts.push(`${w.bitsPerWeight.toFixed(2)} bits per weight`);
    if (parts.length)
      rows.push({
        id: 'weights',
        name: 'Weights after',
        ...(w.bitsPerWeight !== null ? { value: w.bitsPerWeight } : {}),
        shown: parts.join('; '),
        help: 'As measured on the compressed matrices: the zeros the pruning left, the parameters the factors keep, the bits per weight of the quantized ones (scales included; a pruned weight still takes its slot).',
      });
  }
  if (c.calibration)
    rows.push({
      id: 'calibration',
      name: 'W8A8 calibration',
      value: c.calibration.tokens,
      shown: `${formatCount(c.calibration.tokens)} tokens, ${Object.keys(c.calibration.thresholds).length} ranges`,
      help: "One activation range per projection, fitted on the text's first tokens (which are scored too: the ranges have seen those tokens).",
    });
  if (c.int8Outliers)
    rows.push({
      id: 'int8-float',
      name: 'LLM.int8(): features in float',
      value: c.int8Outliers.fraction,
      shown: pct(c.int8Outliers.fraction * 100),
      help: `Of the input features of every projection, those where some token reaches |x| ≥ ${c.int8Outliers.threshold}: they stay in float, the rest go int8.`,
    });
  return rows;
}

export function LmScoresTable({ scores }: { scores: LmScores }) {
  return (
    <table data-testid="lm-scores" aria-label="Language model evaluation">
      <thead>
        <tr>
          <th scope="col">measure</th>
          <th scope="col" className="num">
            value
          </th>
          <th scope="col">what it says</th>
        </tr>
      </thead>
      <tbody>
        {rowsOf(scores).map((r) => (
          <tr key={r.id} data-measure={r.id} data-value={r.value}>
            <th scope="row">
              <LabelTerm label={r.name} />
            </th>
            <td className="num">{r.shown}</td>
            <td className="hint">{r.help}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
