// `slimlab convert IN... OUT`: the same export as the app's, streamed to a file.
import { jobContext } from '../engine/jobs/context.ts';
import type { ExportOptions } from '../engine/types.ts';
import { fileTarget, oneLine, withModel } from './engine.ts';
import type { Args, Command } from './table.ts';

/** What the output's extension and the flags ask for. */
export function exportOptionsFor(out: string, a: Args, tensorNames: string[]): ExportOptions {
  const lower = out.toLowerCase();
  const filter = a.text('filter');
  const only = filter ? { filter } : {};
  if (lower.endsWith('.safetensors'))
    return {
      ...only,
      format: 'safetensors',
      quantize: (a.text('quantize') ?? 'none') as 'none' | 'int8' | 'int4',
      symmetric: !a.has('asymmetric'),
    };
  if (lower.endsWith('.gguf'))
    return {
      ...only,
      format: 'gguf',
      type: (a.text('type') ?? 'F16') as 'F32' | 'F16' | 'Q8_0' | 'Q4_0',
    };
  if (lower.endsWith('.npy')) {
    // --filter picks the one tensor when exactly one name contains it.
    const named = filter ? tensorNames.filter((n) => n.includes(filter)) : tensorNames;
    const tensor = a.text('tensor') ?? (named.length === 1 ? named[0] : undefined);
    if (!tensor)
      throw new Error(
        filter
          ? `.npy holds one tensor: ${named.length} names contain '${filter}'; name one with --tensor NAME`
          : '.npy holds one tensor: name it with --tensor NAME',
      );
    return { format: 'npy', tensor };
  }
  throw new Error(`cannot tell the output format of '${out}' (use .safetensors, .gguf or .npy)`);
}

export const convert: Command = {
  name: 'convert',
  synopsis:
    'IN... OUT [--quantize none|int8|int4] [--asymmetric] [--type F32|F16|Q8_0|Q4_0]\n[--tensor NAME] [--filter TEXT]',
  summary: `write a model (IN: one file, or shards/companions together) as OUT, by its extension:
.safetensors (original dtypes, or --quantize per-channel int8/int4 codes with scales),
.gguf (--type for 2-D float weights, default F16), .npy (one --tensor);
--filter writes only the tensors whose name contains TEXT`,
  positional: { min: 2, missing: 'convert needs IN... OUT' },
  flags: [
    {
      name: 'quantize',
      type: 'enum',
      arg: 'Q',
      values: ['none', 'int8', 'int4'],
      default: 'none',
      help: '.safetensors: float weights of rank ≥ 2 as per-channel integer codes',
    },
    { name: 'asymmetric', type: 'bool', help: '.safetensors: codes with zero points' },
    {
      name: 'type',
      type: 'enum',
      arg: 'T',
      values: ['F32', 'F16', 'Q8_0', 'Q4_0'],
      default: 'F16',
      help: '.gguf: the type of 2-D float weights',
    },
    { name: 'tensor', type: 'string', arg: 'NAME', help: '.npy: the tensor written' },
    {
      name: 'filter',
      type: 'string',
      arg: 'TEXT',
      help: 'only tensors whose name contains TEXT (.npy: the one that does)',
    },
  ],
  async run(a, { io, engine }) {
    const inputs = a.positional.slice(0, -1);
    const out = a.positional.at(-1)!;
    try {
      const r = await withModel(engine, inputs, (m) =>
        engine.run(
          'export',
          {
            modelId: m.id,
            options: exportOptionsFor(
              out,
              a,
              m.tensors.map((t) => t.name),
            ),
            target: fileTarget(out),
          },
          jobContext(),
        ),
      );
      io.out(`${out}: ${r.bytes} bytes`);
      return 0;
    } catch (e) {
      io.err(oneLine(e));
      return 2;
    }
  },
};
