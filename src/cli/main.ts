// The `slimlab` command line: the same readers and engine as the browser, from a shell.
import { isFormatError } from '../formats/errors.ts';
import { MAX_BINS } from '../core/stats/histogram.ts';
import { convertTo, exportOptionsFor } from './convert.ts';
import { runQdq } from './qdq.ts';
import { runCalibrate } from './calibrate.ts';
import {
  globalCut,
  pruneAll,
  pruneMethodFromFlags,
  pruneTensor,
  prunable,
  type CliPruneMethod,
} from './prune.ts';
import { modelBytes, QUANTIZE_FLAGS, quantizeAll, specFromFlags } from './quantize.ts';
import { storable } from '../engine/export.ts';
import { summarizeAll } from './stats.ts';
import { presetText, runPreset } from './run.ts';
import { inspectFiles, inspectJson, inspectTable, withOpenFiles } from './inspect.ts';

const USAGE = `usage: slimlab inspect FILE... [--json]
       slimlab quantize-linear --x X.npy --scale S.npy [--zero-point Z.npy] [--axis A] [--block-size B]
                               [--saturate 0|1] --dtype TYPE --out Y.npy
       slimlab dequantize-linear --x Y.npy --scale S.npy [--zero-point Z.npy] [--axis A] [--block-size B] --out X.npy
       slimlab quantize FILE... --dtype T [--scheme sym|sym-full|asym] [--granularity tensor|channel|group:N]
                        [--axis A] [--clip Q] [--rounding nearest|stochastic] [--seed S]
                        [--scale-dtype f32|f16] [--filter TEXT] [--json] [--memory] [--out FILE]
       slimlab calibrate --input ACTS.npy --method minmax|ema:M|percentile:P|mse|kl[:BINS:LEVELS]
                         [--bits B] [--batch N] [--json]
       slimlab prune FILE... --method magnitude|global-magnitude|nm:N:M|channel-l1 [--sparsity S]
                     [--json] [--out FILE]
       slimlab stats FILE... [--json] [--bins N] [--memory]
       slimlab run --preset 'URL-or-query' [--model FILE] [--json]
       slimlab convert IN... OUT [--quantize none|int8|int4] [--asymmetric] [--type F32|F16|Q8_0|Q4_0] [--tensor NAME]

commands:
  quantize-linear / dequantize-linear
            ONNX QuantizeLinear / DequantizeLinear (TYPE: int8 uint8 int16 uint16 int4 uint4 int2
            uint2 fp8e4m3fn fp8e5m2); codes are saved in the smallest numpy integer dtype that
            holds them, float8 codes as their float32 values
  quantize  every float weight of rank ≥ 2 quantized with one scheme: SQNR, MSE split into
            clipping and rounding, max error, cosine, bits per weight and bytes before / after
            (T: int2..int8, int16, uint2..uint16, fp32, tf32, fp16, bf16, fp8e4m3fn, fp8e5m2,
            fp4e2m1, nf4, binary, ternary, log2:B, quantile:B; default per channel on axis 0,
            nf4 in groups of 64); --out writes integer codes with scales (or fp16/bf16) as
            .safetensors; --json prints one object a tensor, then a total
  calibrate the activation threshold a calibration method picks (the first axis is the batch axis,
            --batch rows a batch for ema, default 32), its scale and zero point, and the clipping
            and rounding MSE of quantizing the activations with it: symmetric int B (default 8)
            when they have negative values, unsigned otherwise
  prune     every float weight of rank ≥ 2 pruned: magnitude (per tensor, torch l1_unstructured),
            global-magnitude (one threshold for the model, global_unstructured), nm:N:M (keep the N
            largest |w| of every M along each row) or channel-l1 (zero the output channels of
            smallest L1 norm, ln_structured dim 0); prints each weight's sparsity and relative
            error; --out writes the pruned model as .safetensors (pruned weights as F32)
  stats     histogram and statistics of every tensor (one JSON object a line with --json);
            --memory adds the peak resident memory of the process
  convert   write a model (IN: one file, or shards/companions together) as OUT, by its extension:
            .safetensors (original dtypes, or --quantize per-channel int8/int4 codes with scales),
            .gguf (--type for 2-D float weights, default F16), .npy (one --tensor)
  run       the numbers the browser shows for a preset (a link copied from the app, or its query):
            the preset's tensor of its demo model (or of --model FILE), its statistics and
            histogram, and the preset's quantization error and size; preset problems go to stderr
  inspect   list the tensors of weight files (.safetensors and sharded
            .safetensors.index.json with its shards, .npy, .gguf, .onnx with its external data)

exit codes: 0 ok, 1 usage error, 2 bad input`;

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

// A reader that goes away (`slimlab … | head`) is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

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
  if (cmd === 'convert') return convert(rest, io);
  if (cmd === 'stats') return stats(rest, io);
  if (cmd === 'quantize') return quantizeCmd(rest, io);
  if (cmd === 'prune') return pruneCmd(rest, io);
  if (cmd === 'run') return runCmd(rest, io);
  if (cmd === 'calibrate') return calibrateCmd(rest, io);
  if (cmd === 'quantize-linear' || cmd === 'dequantize-linear')
    return qdq(cmd === 'quantize-linear' ? 'quantize' : 'dequantize', rest, io);
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

/** --name value and --flag options, and the positional arguments. */
function parseArgs(
  args: string[],
  valued: string[],
): { flags: Map<string, string>; positional: string[] } {
  const flags = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) positional.push(a);
    else if (valued.includes(a.slice(2))) flags.set(a.slice(2), args[++i] ?? '');
    else flags.set(a.slice(2), '');
  }
  return { flags, positional };
}

async function convert(args: string[], io: Io): Promise<number> {
  const { flags, positional } = parseArgs(args, ['quantize', 'type', 'tensor']);
  const unknown = [...flags.keys()].filter(
    (k) => !['quantize', 'type', 'tensor', 'asymmetric'].includes(k),
  );
  if (unknown.length || positional.length < 2) {
    io.err(
      `slimlab: ${unknown.length ? `unknown option --${unknown[0]}` : 'convert needs IN... OUT'}`,
    );
    return 1;
  }
  const out = positional.pop()!;
  try {
    const bytes = await withOpenFiles(positional, (model) =>
      convertTo(
        model,
        out,
        exportOptionsFor(
          out,
          flags,
          model.info.tensors.map((t) => t.name),
        ),
      ),
    );
    io.out(`${out}: ${bytes} bytes`);
    return 0;
  } catch (e) {
    io.err(`slimlab: ${(isFormatError(e) ? e.message : (e as Error).message).replace(/\n/g, ' ')}`);
    return 2;
  }
}

async function quantizeCmd(args: string[], io: Io): Promise<number> {
  const { flags, positional } = parseArgs(args, [...QUANTIZE_FLAGS]);
  const known = [...QUANTIZE_FLAGS, 'json', 'memory'] as string[];
  const unknown = [...flags.keys()].filter((k) => !known.includes(k));
  let spec;
  try {
    if (unknown.length) throw new Error(`unknown option --${unknown[0]}`);
    if (positional.length === 0) throw new Error('quantize needs FILE...');
    spec = specFromFlags(flags);
    const out = flags.get('out');
    if (out !== undefined && !out.toLowerCase().endsWith('.safetensors'))
      throw new Error('--out writes .safetensors');
    if (out !== undefined && !storable(spec))
      throw new Error(`--out cannot store ${spec.format} yet: use an integer dtype, fp16 or bf16`);
  } catch (e) {
    io.err(`slimlab: ${(e as Error).message}`);
    return 1;
  }
  const json = flags.has('json');
  try {
    await withOpenFiles(positional, async (m) => {
      const before = modelBytes(m);
      let after = before;
      let stored = before;
      if (!json) io.out(`${m.info.file}:`);
      for await (const r of quantizeAll(m, spec, flags.get('filter'))) {
        after += r.bytes_after - r.bytes_before;
        stored += r.bytes_stored - r.bytes_before;
        if (json) io.out(JSON.stringify(r));
        else {
          const share = r.mse ? ((r.clip_mse ?? 0) / r.mse) * 100 : 0;
          io.out(
            `  ${r.name}  [${r.shape.join(', ')}]  SQNR ${r.sqnr_db === null ? 'inf' : r.sqnr_db.toFixed(2)} dB  MSE ${r.mse}  clipping ${share.toFixed(1)}%  max|err| ${r.max_abs_err}  cosine ${r.cosine}  ${r.bits_per_weight.toFixed(3)} bits/weight  ${r.bytes_before} → ${r.bytes_after} bytes packed (${r.bytes_stored} as --out stores it)`,
          );
        }
      }
      const total = {
        file: m.info.file,
        bytes_before: before,
        bytes_after: after,
        bytes_stored: stored,
      };
      if (json) io.out(JSON.stringify(total));
      else io.out(`  model: ${before} → ${after} bytes packed (${stored} as --out stores it)`);
      const out = flags.get('out');
      if (out !== undefined) {
        const bytes = await convertTo(m, out, { format: 'safetensors', spec });
        if (!json) io.out(`${out}: ${bytes} bytes`);
      }
    });
  } catch (e) {
    io.err(`slimlab: ${(isFormatError(e) ? e.message : (e as Error).message).replace(/\n/g, ' ')}`);
    return 2;
  }
  if (flags.has('memory'))
    io.err(`peak resident memory: ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`);
  return 0;
}

async function runCmd(args: string[], io: Io): Promise<number> {
  const valued = ['preset', 'model'];
  const { flags, positional } = parseArgs(args, valued);
  const unknown = [...flags.keys()].filter((k) => ![...valued, 'json'].includes(k));
  if (unknown.length || positional.length || !flags.has('preset')) {
    io.err(
      `slimlab: ${unknown.length ? `unknown option --${unknown[0]}` : positional.length ? `unexpected '${positional[0]}'` : 'run needs --preset'}`,
    );
    return 1;
  }
  try {
    const r = await runPreset(flags.get('preset')!, flags.get('model'));
    for (const n of r.notices) io.err(`slimlab: preset: ${n}`);
    io.out(flags.has('json') ? JSON.stringify(r) : presetText(r));
    return 0;
  } catch (e) {
    io.err(`slimlab: ${(e as Error).message}`);
    return isFormatError(e) ? 2 : 1;
  }
}

async function pruneCmd(args: string[], io: Io): Promise<number> {
  const valued = ['method', 'sparsity', 'out'];
  const { flags, positional } = parseArgs(args, valued);
  const unknown = [...flags.keys()].filter((k) => ![...valued, 'json'].includes(k));
  let method: CliPruneMethod;
  try {
    if (unknown.length) throw new Error(`unknown option --${unknown[0]}`);
    if (positional.length === 0) throw new Error('prune needs FILE...');
    method = pruneMethodFromFlags(flags);
    const out = flags.get('out');
    if (out !== undefined && !out.toLowerCase().endsWith('.safetensors'))
      throw new Error('--out writes .safetensors');
  } catch (e) {
    io.err(`slimlab: ${(e as Error).message}`);
    return 1;
  }
  const json = flags.has('json');
  try {
    await withOpenFiles(positional, async (m) => {
      if (!json) io.out(`${m.info.file}:`);
      let params = 0;
      let zeros = 0;
      for await (const r of pruneAll(m, method)) {
        params += r.params;
        zeros += r.zeros;
        if (json) io.out(JSON.stringify(r));
        else
          io.out(
            `  ${r.name}  [${r.shape.join(', ')}]  sparsity ${(r.sparsity * 100).toFixed(2)}%  relative error ${r.relative_error.toPrecision(4)}`,
          );
      }
      const total = { file: m.info.file, params, zeros, sparsity: params ? zeros / params : 0 };
      if (json) io.out(JSON.stringify(total));
      else
        io.out(
          `  model: ${zeros} of ${params} weights pruned (${(total.sparsity * 100).toFixed(2)}%)`,
        );
      const out = flags.get('out');
      if (out !== undefined) {
        const weights = m.info.tensors.filter(prunable);
        const cut =
          method.kind === 'global-magnitude'
            ? await globalCut(m, weights, method.sparsity, {
                buffer: new ArrayBuffer(weights.reduce((a, t) => Math.max(a, t.bytes), 0)),
              })
            : undefined;
        const state = cut ? { ...cut, ties: cut.atThreshold } : undefined;
        const bytes = await convertTo(m, out, {
          format: 'safetensors',
          transform: (t, x) => pruneTensor(x, t.shape, method, state),
        });
        if (!json) io.out(`${out}: ${bytes} bytes`);
      }
    });
  } catch (e) {
    io.err(`slimlab: ${(isFormatError(e) ? e.message : (e as Error).message).replace(/\n/g, ' ')}`);
    return 2;
  }
  return 0;
}

async function calibrateCmd(args: string[], io: Io): Promise<number> {
  const valued = ['input', 'method', 'bits', 'batch'];
  const { flags, positional } = parseArgs(args, valued);
  const unknown = [...flags.keys()].filter((k) => ![...valued, 'json'].includes(k));
  const bits = flags.has('bits') ? Number(flags.get('bits')) : 8;
  const batch = flags.has('batch') ? Number(flags.get('batch')) : 32;
  const why = unknown.length
    ? `unknown option --${unknown[0]}`
    : positional.length
      ? `unexpected '${positional[0]}'`
      : !flags.get('input')
        ? '--input is required'
        : !flags.get('method')
          ? '--method is required'
          : !(Number.isInteger(bits) && bits >= 2 && bits <= 16)
            ? `--bits must be an integer from 2 to 16, not '${flags.get('bits')}'`
            : !(Number.isInteger(batch) && batch >= 1)
              ? `--batch must be a positive integer, not '${flags.get('batch')}'`
              : null;
  if (why) {
    io.err(`slimlab: ${why}`);
    return 1;
  }
  let r;
  try {
    r = await runCalibrate(flags.get('input')!, flags.get('method')!, bits, batch);
  } catch (e) {
    const msg = isFormatError(e) ? e.message : (e as Error).message;
    io.err(`slimlab: ${msg.replace(/\n/g, ' ')}`);
    return /method|takes|must be/.test(msg) && !isFormatError(e) ? 1 : 2;
  }
  if (flags.has('json')) io.out(JSON.stringify(r));
  else {
    io.out(
      `${r.method}: threshold ${r.threshold}  scale ${r.scale}  zero point ${r.zero_point} (${r.signed ? 'signed' : 'unsigned'})  clip MSE ${r.clip_mse}  round MSE ${r.round_mse}`,
    );
    if (r.warning) io.err(`slimlab: warning: ${r.warning}`);
  }
  return 0;
}

async function stats(args: string[], io: Io): Promise<number> {
  const { flags, positional } = parseArgs(args, ['bins']);
  const unknown = [...flags.keys()].filter((k) => !['bins', 'json', 'memory'].includes(k));
  const bins = Number(flags.get('bins') ?? 64);
  if (
    unknown.length ||
    positional.length === 0 ||
    !Number.isInteger(bins) ||
    bins < 1 ||
    bins > MAX_BINS
  ) {
    io.err(
      `slimlab: ${unknown.length ? `unknown option --${unknown[0]}` : positional.length ? `--bins must be 1..${MAX_BINS}` : 'stats needs FILE...'}`,
    );
    return 1;
  }
  try {
    await withOpenFiles(positional, async (m) => {
      for await (const s of summarizeAll(m, bins)) {
        if (flags.has('json')) io.out(JSON.stringify(s));
        else {
          const v = s.stats;
          io.out(
            `${s.name}  ${s.dtype} [${s.shape.join(', ')}]  min ${v.min}  max ${v.max}  mean ${v.mean}  std ${v.std}  kurtosis ${v.kurtosis}  NaN ${v.nans}  Inf ${(v.posInf ?? 0) + (v.negInf ?? 0)}`,
          );
        }
      }
    });
  } catch (e) {
    io.err(`slimlab: ${(isFormatError(e) ? e.message : (e as Error).message).replace(/\n/g, ' ')}`);
    return 2;
  }
  // maxRSS is in kilobytes.
  if (flags.has('memory'))
    io.err(`peak resident memory: ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`);
  return 0;
}

async function qdq(op: 'quantize' | 'dequantize', args: string[], io: Io): Promise<number> {
  const valued = ['x', 'scale', 'zero-point', 'axis', 'block-size', 'saturate', 'dtype', 'out'];
  const { flags, positional } = parseArgs(args, valued);
  const unknown = [...flags.keys()].filter((k) => !valued.includes(k));
  const missing = ['x', 'scale', 'out', ...(op === 'quantize' ? ['dtype'] : [])].filter(
    (k) => !flags.get(k),
  );
  const ints = ['axis', 'block-size', 'saturate'].filter(
    (k) => flags.has(k) && !Number.isInteger(Number(flags.get(k))),
  );
  if (unknown.length || missing.length || positional.length || ints.length) {
    const why = unknown.length
      ? `unknown option --${unknown[0]}`
      : missing.length
        ? `--${missing[0]} is required`
        : ints.length
          ? `--${ints[0]} must be an integer`
          : `unexpected '${positional[0]}'`;
    io.err(`slimlab: ${why}`);
    return 1;
  }
  try {
    await runQdq(op, {
      x: flags.get('x')!,
      scale: flags.get('scale')!,
      zeroPoint: flags.get('zero-point'),
      axis: Number(flags.get('axis') ?? 1),
      blockSize: Number(flags.get('block-size') ?? 0),
      saturate: flags.get('saturate') !== '0',
      dtype: flags.get('dtype'),
      out: flags.get('out')!,
    });
    return 0;
  } catch (e) {
    io.err(`slimlab: ${(isFormatError(e) ? e.message : (e as Error).message).replace(/\n/g, ' ')}`);
    return 2;
  }
}
