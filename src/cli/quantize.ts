// `slimlab quantize FILE... --dtype T ...`: every float weight of rank ≥ 2 quantized with one scheme,
// its error and size; `--out` writes the compressed model. The flags become preset settings and the
// spec comes from them (spec-flags.ts); the weights go through the engine one at a time.
import { storable } from '../engine/export.ts';
import { jobContext } from '../engine/jobs/context.ts';
import type { QuantSpec } from '../engine/types.ts';
import type { TensorQuantRow } from '../engine/weights.ts';
import { fileTarget, oneLine, peakMemory, withModel } from './engine.ts';
import { sig, sigWhy } from './numbers.ts';
import { SPEC_FLAGS, specFromArgs } from './spec-flags.ts';
import { UsageError, type Args, type Command } from './table.ts';

export type TensorQuantJson = TensorQuantRow;

export function rowText(r: TensorQuantRow): string {
  const size = `${r.bits_per_weight.toFixed(3)} bits/weight  ${r.bytes_before} → ${r.bytes_after} bytes packed (${r.bytes_stored} as --out stores it)`;
  const head = `  ${r.name}  [${r.shape.join(', ')}]`;
  // No finite value: one reason, not the same words for every measure.
  if (r.why.mse) return `${head}  no error measures (${r.why.mse})  ${size}`;
  // sqnr_db is null both for an exact quantization (∞ dB) and where `why` says there is none.
  const sw = r.why.sqnr_db;
  const sqnr =
    r.sqnr_db === null
      ? sw
        ? `undefined (${sw})`
        : 'inf dB'
      : `${sig(r.sqnr_db)} dB${sw ? ` (${sw})` : ''}`;
  // Shares of an error of zero are not shares.
  const clipping = r.mse ? `  clipping ${(((r.clip_mse ?? 0) / r.mse) * 100).toFixed(1)}%` : '';
  return `${head}  SQNR ${sqnr}  MSE ${sigWhy(r.mse, null)}${clipping}  max|err| ${sig(r.max_abs_err)}  cosine ${sigWhy(r.cosine, r.why.cosine)}  ${size}`;
}

/** The spec, and the output file checked against it. */
function plan(a: Args): QuantSpec {
  const { spec } = specFromArgs(a);
  const out = a.text('out');
  if (out !== undefined && !out.toLowerCase().endsWith('.safetensors'))
    throw new UsageError('--out writes .safetensors');
  if (out !== undefined && !storable(spec))
    throw new UsageError(
      `--out cannot store ${spec.format} yet: use an integer dtype, fp16 or bf16`,
    );
  return spec;
}

export const quantize: Command = {
  name: 'quantize',
  synopsis: `FILE... --dtype T [--scheme sym|sym-full|asym] [--granularity tensor|channel|group:N]
[--axis A] [--clip Q] [--rounding nearest|stochastic] [--seed S]
[--scale-dtype f32|f16] [--filter TEXT] [--json] [--memory] [--out FILE]`,
  summary: `every float weight of rank ≥ 2 quantized with one scheme: SQNR, MSE split into
clipping and rounding, max error, cosine, bits per weight and bytes before / after
(T: int2..int8, int16, uint2..uint16, fp32, tf32, fp16, bf16, fp8e4m3fn, fp8e5m2,
fp4e2m1, nf4, binary, ternary, log2:B, quantile:B; default per channel on axis 0,
nf4 in groups of 64); --out writes integer codes with scales (or fp16/bf16) as
.safetensors; --json prints one object a tensor, then a total`,
  positional: { min: 1, missing: 'quantize needs FILE...' },
  flags: [
    ...SPEC_FLAGS,
    { name: 'filter', type: 'string', arg: 'TEXT', help: 'only weights whose name contains TEXT' },
    { name: 'json', type: 'bool', help: 'one JSON object a tensor, then the total' },
    { name: 'memory', type: 'bool', help: 'print the peak resident memory to stderr' },
    { name: 'out', type: 'string', arg: 'FILE', help: 'write the quantized model (.safetensors)' },
  ],
  async run(a, { io, engine }) {
    let spec: QuantSpec;
    try {
      spec = plan(a);
    } catch (e) {
      io.err(`slimlab: ${(e as Error).message}`);
      return 1;
    }
    const json = a.has('json');
    const out = a.text('out');
    try {
      await withModel(engine, a.positional, async (m) => {
        if (!json) io.out(`${m.file}:`);
        const update = (r: TensorQuantRow) => io.out(json ? JSON.stringify(r) : rowText(r));
        const rows = await engine.run(
          'quantizeWeights',
          { modelId: m.id, spec, filter: a.text('filter') ?? '' },
          jobContext({ update }),
        );
        const before = m.bytes;
        const after = rows.reduce((s, r) => s + r.bytes_after - r.bytes_before, before);
        const stored = rows.reduce((s, r) => s + r.bytes_stored - r.bytes_before, before);
        const total = {
          file: m.file,
          bytes_before: before,
          bytes_after: after,
          bytes_stored: stored,
        };
        if (json) io.out(JSON.stringify(total));
        else io.out(`  model: ${before} → ${after} bytes packed (${stored} as --out stores it)`);
        if (out !== undefined) {
          const options = { format: 'safetensors' as const, spec };
          const target = fileTarget(out);
          const r = await engine.run('export', { modelId: m.id, options, target }, jobContext());
          if (!json) io.out(`${out}: ${r.bytes} bytes`);
        }
      });
    } catch (e) {
      io.err(oneLine(e));
      return 2;
    }
    if (a.has('memory')) io.err(peakMemory());
    return 0;
  },
};
