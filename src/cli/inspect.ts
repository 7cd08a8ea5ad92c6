// `slimlab inspect FILE... [--json]`: the tensor table of each model the files make.
import type { ModelSummary, OpenOutcome, TensorRow } from '../engine/types.ts';
import { oneLine, withOpened } from './engine.ts';
import type { Command } from './table.ts';

export interface InspectJson {
  format: string;
  tensors: TensorRow[];
  params: number;
  bytes: number;
}

export function inspectJson(m: ModelSummary): InspectJson {
  return { format: m.format, tensors: m.tensors, params: m.params, bytes: m.bytes };
}

export function inspectTable(m: ModelSummary): string {
  const rows = m.tensors.map((t) => [
    t.name,
    t.dtype,
    `[${t.shape.join(', ')}]`,
    String(t.params),
    String(t.bytes),
  ]);
  const head = ['name', 'dtype', 'shape', 'params', 'bytes'];
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i >= 3 ? c.padStart(width[i]!) : c.padEnd(width[i]!)))
      .join('  ')
      .trimEnd();
  return [
    `${m.file} (${m.format}): ${m.tensors.length} tensor${m.tensors.length === 1 ? '' : 's'}, ${m.params} parameters, ${m.bytes} bytes`,
    line(head),
    ...rows.map(line),
  ].join('\n');
}

export const inspect: Command = {
  name: 'inspect',
  synopsis: 'FILE... [--json] [--filter TEXT]',
  summary: `list the tensors of weight files (.safetensors and sharded
.safetensors.index.json with its shards, .npy, .npz, .gguf, .onnx with its external data,
PyTorch checkpoints .bin/.pt/.pth/.ckpt, llama2.c checkpoints)`,
  positional: { min: 1, missing: 'inspect needs at least one FILE' },
  flags: [
    { name: 'json', type: 'bool', help: 'one JSON document a model (an array for several)' },
    {
      name: 'filter',
      type: 'string',
      arg: 'TEXT',
      help: "only tensors whose name contains TEXT (the totals stay the model's)",
    },
  ],
  async run(a, { io, engine }) {
    let r: OpenOutcome;
    try {
      // The summaries outlive the open files: they hold no file handles.
      r = await withOpened(engine, a.positional, async (o) => o);
    } catch (e) {
      io.err(oneLine(e));
      return 2;
    }
    for (const p of r.problems) io.err(`slimlab: ${p.message.replace(/\n/g, ' ')}`);
    if (r.problems.length) return 2;
    const filter = a.text('filter');
    const models = filter
      ? r.models.map((m) => ({ ...m, tensors: m.tensors.filter((t) => t.name.includes(filter)) }))
      : r.models;
    if (a.has('json')) {
      const docs = models.map(inspectJson);
      io.out(JSON.stringify(docs.length === 1 ? docs[0] : docs, null, 2));
    } else io.out(models.map(inspectTable).join('\n\n'));
    return 0;
  },
};
