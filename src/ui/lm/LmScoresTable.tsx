// What an evaluation measured, each with a line on how to read it (llama.cpp's measures for a
// quantized model against its base: perplexity ratio, KL divergence, same top token, Δp).
import type { ReactNode } from 'react';
import type { LmScores } from '../../state/lm/slice.ts';
import { formatCount } from '../common/format.ts';

interface Row {
  id: string;
  name: string;
  value: number;
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
  ];
  const c = s.compressed;
  if (!c) return rows;
  return [
    ...rows,
    {
      id: 'ppl-q',
      name: 'Perplexity, quantized',
      value: c.ppl,
      shown: num(c.ppl),
      help: 'The same text through the model with its matrices quantized (norms kept).',
    },
    {
      id: 'ln-ratio',
      name: 'ln(PPL_q / PPL_base)',
      value: c.lnPplRatio,
      shown: num(c.lnPplRatio, 3),
      help: 'Extra loss per token (nats): 0.01 is about 1% more perplexity; near 0, the quantization costs nothing on this text.',
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
            <th scope="row">{r.name}</th>
            <td className="num">{r.shown}</td>
            <td className="hint">{r.help}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
