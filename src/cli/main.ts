// The `slimlab` command line: the same readers and engine as the browser, from a shell.
import { isFormatError } from '../formats/errors.ts';
import { inspectFiles, inspectJson, inspectTable } from './inspect.ts';

const USAGE = `usage: slimlab inspect FILE... [--json]

commands:
  inspect   list the tensors of weight files (.safetensors and sharded
            .safetensors.index.json with its shards, .npy, .gguf, .onnx with its external data)

exit codes: 0 ok, 1 usage error, 2 bad input`;

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

const stdio: Io = {
  out: (s) => process.stdout.write(`${s}\n`),
  err: (s) => process.stderr.write(`${s}\n`),
};

export async function main(argv: string[], io: Io = stdio): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    io.out(USAGE);
    return cmd ? 0 : 1;
  }
  if (cmd !== 'inspect') {
    io.err(`slimlab: unknown command '${cmd}'\n${USAGE}`);
    return 1;
  }
  const json = rest.includes('--json');
  const unknown = rest.filter((a) => a.startsWith('--') && a !== '--json');
  if (unknown.length) {
    io.err(`slimlab: unknown option ${unknown[0]}`);
    return 1;
  }
  const files = rest.filter((a) => !a.startsWith('--'));
  if (files.length === 0) {
    io.err('slimlab: inspect needs at least one FILE');
    return 1;
  }
  let results;
  try {
    const r = await inspectFiles(files);
    for (const p of r.problems) io.err(`slimlab: ${p.message.replace(/\n/g, ' ')}`);
    if (r.problems.length) return 2;
    results = r.models.map((m) => m.info);
  } catch (e) {
    const msg = isFormatError(e) ? e.message : (e as Error).message;
    io.err(`slimlab: ${msg.replace(/\n/g, ' ')}`);
    return 2;
  }
  if (json) {
    const docs = results.map(inspectJson);
    io.out(JSON.stringify(docs.length === 1 ? docs[0] : docs, null, 2));
  } else {
    io.out(results.map(inspectTable).join('\n\n'));
  }
  return 0;
}
