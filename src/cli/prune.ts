// `slimlab prune FILE... --method M --sparsity S`: every float weight of rank ≥ 2 pruned by one
// method, its sparsity and error; `--out` writes the pruned model. The work is the engine's
// (engine/prune-weights.ts); here the flags become its rule.
import { jobContext } from '../engine/jobs/context.ts';
import type { PruneRule, TensorPruneRow } from '../engine/prune-weights.ts';
import { fileTarget, oneLine, withModel } from './engine.ts';
import { sig } from './numbers.ts';
import { UsageError, type Args, type Command } from './table.ts';

export type TensorPruneJson = TensorPruneRow;

/**
 * The axis N:M groups run along: `in` (1: the input axis of an [out, in] Linear or [out, in, kh,
 * kw] convolution weight, where 2:4 sparse tensor cores take their groups), `out` (0: the input
 * axis of a weight stored [in, out], as GPT-2's Conv1D does), or a number.
 */
export function nmAxis(text: string | undefined): number {
  if (text === undefined || text === 'in') return 1;
  if (text === 'out') return 0;
  if (/^\d$/.test(text)) return Number(text);
  throw new UsageError(`--axis must be in, out or an axis number from 0 to 9, not '${text}'`);
}

export function pruneRule(a: Args): PruneRule {
  const m = a.text('method')!;
  const filter = a.text('filter');
  const only = filter ? { filter } : {};
  const nm = /^nm:(\d{1,3}):(\d{1,3})$/.exec(m);
  if (nm) {
    const [n, mm] = [Number(nm[1]), Number(nm[2])];
    if (!(n >= 1 && n < mm)) throw new UsageError(`--method nm:N:M needs 1 ≤ N < M, not ${m}`);
    if (a.has('sparsity'))
      throw new UsageError(`--method ${m} fixes the sparsity at ${1 - n / mm}`);
    return { kind: 'nm', n, m: mm, axis: nmAxis(a.text('axis')), ...only };
  }
  if (a.has('axis')) throw new UsageError(`--axis is for --method nm:N:M, not ${m}`);
  if (m !== 'magnitude' && m !== 'global-magnitude' && m !== 'channel-l1')
    throw new UsageError(
      `--method must be magnitude, global-magnitude, nm:N:M or channel-l1, not '${m}'`,
    );
  const sparsity = a.num('sparsity');
  if (sparsity === undefined) throw new UsageError(`--method ${m} needs --sparsity`);
  return { kind: m, sparsity, ...only };
}

function rowText(r: TensorPruneRow): string {
  return `  ${r.name}  [${r.shape.join(', ')}]  sparsity ${(r.sparsity * 100).toFixed(2)}%  relative error ${sig(r.relative_error)}`;
}

export const prune: Command = {
  name: 'prune',
  synopsis: `FILE... --method magnitude|global-magnitude|nm:N:M|channel-l1 [--sparsity S]
[--axis in|out|A] [--filter TEXT] [--json] [--out FILE]`,
  summary: `every float weight of rank ≥ 2 pruned: magnitude (per tensor, torch l1_unstructured),
global-magnitude (one threshold for the model, global_unstructured), nm:N:M (keep the N
largest |w| of every M along --axis: in, axis 1, by default; out, axis 0, for weights
stored [in, out] such as GPT-2's Conv1D) or channel-l1 (zero the output channels of
smallest L1 norm, ln_structured dim 0); prints each weight's sparsity and relative
error; --out writes the pruned model as .safetensors (pruned weights as F32)`,
  positional: { min: 1, missing: 'prune needs FILE...' },
  flags: [
    {
      name: 'method',
      type: 'string',
      arg: 'M',
      required: true,
      help: 'magnitude, global-magnitude, nm:N:M or channel-l1',
    },
    {
      name: 'sparsity',
      type: 'num',
      arg: 'S',
      noun: 'a fraction',
      min: 0,
      max: 1,
      help: 'share of each weight (of the model, for global-magnitude) set to zero; nm:N:M fixes it',
    },
    {
      name: 'axis',
      type: 'string',
      arg: 'A',
      default: 'in',
      help: 'nm:N:M: the axis its groups run along (in = 1, out = 0, or a number)',
    },
    {
      name: 'filter',
      type: 'string',
      arg: 'TEXT',
      help: 'only weights whose name contains TEXT (the others are kept as they are)',
    },
    { name: 'json', type: 'bool', help: 'one JSON object a tensor, then the total' },
    { name: 'out', type: 'string', arg: 'FILE', help: 'write the pruned model (.safetensors)' },
  ],
  async run(a, { io, engine }) {
    let rule: PruneRule;
    const out = a.text('out');
    try {
      rule = pruneRule(a);
      if (out !== undefined && !out.toLowerCase().endsWith('.safetensors'))
        throw new UsageError('--out writes .safetensors');
    } catch (e) {
      io.err(`slimlab: ${(e as Error).message}`);
      return 1;
    }
    const json = a.has('json');
    try {
      await withModel(engine, a.positional, async (m) => {
        if (!json) io.out(`${m.file}:`);
        const update = (r: TensorPruneRow) => io.out(json ? JSON.stringify(r) : rowText(r));
        const rows = await engine.run(
          'pruneWeights',
          { modelId: m.id, rule },
          jobContext({ update }),
        );
        const params = rows.reduce((s, r) => s + r.params, 0);
        const zeros = rows.reduce((s, r) => s + r.zeros, 0);
        const total = { file: m.file, params, zeros, sparsity: params ? zeros / params : 0 };
        if (json) io.out(JSON.stringify(total));
        else
          io.out(
            `  model: ${zeros} of ${params} weights pruned (${(total.sparsity * 100).toFixed(2)}%)`,
          );
        if (out !== undefined) {
          const target = fileTarget(out);
          const r = await engine.run('exportPruned', { modelId: m.id, rule, target }, jobContext());
          if (!json) io.out(`${out}: ${r.bytes} bytes`);
        }
      });
    } catch (e) {
      io.err(oneLine(e));
      return 2;
    }
    return 0;
  },
};
