// The engine on the CPU path: tensors are read one at a time, and cancellation is prompt.
import { describe, expect, test } from 'vitest';
import { summarizeCpu } from '../../src/core/stats/summary.ts';
import { cpuBackend } from '../../src/engine/backend.ts';
import { DEFAULT_SPEC } from '../../src/core/quant/spec.ts';
import { createSession } from '../../src/engine/session.ts';
import { bytesSource, type ByteSource } from '../../src/formats/source.ts';
import { f32Safetensors, type F32Tensor } from '../helpers/safetensors.ts';
import { normal } from '../helpers/random.ts';

const modelOf = (tensors: Record<string, F32Tensor>) => f32Safetensors(tensors);

/** Records every read, to check that nothing reads more than one tensor at a time. */
function recording(src: ByteSource) {
  const reads: number[] = [];
  return {
    reads,
    source: {
      ...src,
      read: (o: number, n: number) => (reads.push(n), src.read(o, n)),
    } as ByteSource,
  };
}

describe('engine session', () => {
  test('analyses one tensor by reading only its bytes', async () => {
    const a = normal(1000, 1);
    const b = normal(50_000, 2);
    const { reads, source } = recording(bytesSource('m.safetensors', modelOf({ a, b })));
    const s = createSession();
    const m = await s.open(source);
    expect(m.tensors.map((t) => t.name)).toEqual(['a', 'b']);
    const headerReads = reads.length;
    const r = await s.analyse(m.id, 'a', 32, cpuBackend());
    expect(reads.slice(headerReads)).toEqual([4000]);
    expect([...r.counts]).toEqual([...summarizeCpu(a, 32).counts]);
    expect(r.stats).toEqual(summarizeCpu(a, 32).stats);
  });

  test('an aborted CPU analysis stops within 250 ms', async () => {
    const big = normal(1 << 22, 3);
    const s = createSession();
    const m = await s.open(bytesSource('big.safetensors', modelOf({ big })));
    const ctrl = new AbortController();
    let abortedAt = 0;
    const run = s.analyse(m.id, 'big', 64, cpuBackend(), {
      signal: ctrl.signal,
      onProgress: (f) => {
        if (f > 0 && !abortedAt) {
          abortedAt = performance.now();
          ctrl.abort(new DOMException('cancelled', 'AbortError'));
        }
      },
    });
    await expect(run).rejects.toThrow(/cancelled/);
    expect(performance.now() - abortedAt).toBeLessThan(250);
  });

  test('a large tensor previews on its sample, read once; a small one has no preview', async () => {
    const [rows, cols] = [2048, 1536];
    const w = normal(rows * cols, 9, 0.05);
    const small = normal(64 * 64, 10);
    const { reads, source } = recording(
      bytesSource(
        'm.safetensors',
        modelOf({ w: { shape: [rows, cols], data: w }, small: { shape: [64, 64], data: small } }),
      ),
    );
    const s = createSession();
    const m = await s.open(source);
    const before = reads.length;
    const spec = { ...DEFAULT_SPEC, bits: 4 };
    const p = await s.quantizePreview(m.id, 'w', spec);
    const values = Math.floor((1 << 20) / cols) * cols;
    expect(p.preview).toEqual({ values: Math.floor((1 << 18) / cols) * cols, of: rows * cols });
    // The comparison and a second preview answer from the same sample: no new read.
    const readsAfterFirst = reads.length;
    await s.quantizePreview(m.id, 'w', { ...spec, bits: 8 });
    const c = await s.compare(m.id, 'w', spec);
    expect(c.sampled).toEqual({ values, of: rows * cols });
    expect(reads.length).toBe(readsAfterFirst);
    expect(readsAfterFirst).toBeGreaterThan(before);
    // The preview's error is that of the full tensor within a few percent (rows are alike here).
    const full = await s.quantize(m.id, 'w', spec);
    expect(full.preview).toBeUndefined();
    expect(Math.abs(p.error.mse / full.error.mse - 1)).toBeLessThan(0.05);
    const ps = await s.quantizePreview(m.id, 'small', spec);
    expect(ps.preview).toBeUndefined();
    expect(ps.error).toEqual((await s.quantize(m.id, 'small', spec)).error);
  });

  test('unknown model or tensor names are reported', async () => {
    const s = createSession();
    const m = await s.open(bytesSource('m.safetensors', modelOf({ a: normal(4, 1) })));
    await expect(s.analyse(m.id, 'zzz', 8, cpuBackend())).rejects.toThrow(
      /m\.safetensors: no tensor named 'zzz'/,
    );
    await expect(s.analyse('m99', 'a', 8, cpuBackend())).rejects.toThrow(/not open/);
  });
});

describe('reading into one reused buffer', () => {
  test('tensors of several sizes and dtypes analysed in turn keep their own numbers', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { fileSource } = await import('../../src/cli/file-source.ts');
    const a = normal(5000, 11);
    const b = normal(300, 12, 3);
    const path = join(mkdtempSync(join(tmpdir(), 'slimlab-scratch-')), 'm.safetensors');
    writeFileSync(path, modelOf({ a, b }));
    const src = await fileSource(path);
    const s = createSession();
    const m = await s.open(src);
    for (const [name, x] of [
      ['a', a],
      ['b', b],
      ['a', a],
      ['b', b],
    ] as const) {
      const r = await s.analyse(m.id, name, 16, cpuBackend());
      expect(r.stats).toEqual(summarizeCpu(x, 16).stats);
    }
    await src.close();
  });
});

describe('sensitivity across the model', () => {
  test('every float weight of rank ≥ 2, with shares of the total error that add up to 1', async () => {
    const { quantizeOn } = await import('../../src/engine/quantize.ts');
    const w1 = normal(64 * 8, 31, 0.02);
    const w2 = normal(32 * 8, 32, 0.5);
    const bias = normal(8, 33);
    const s = createSession();
    const m = await s.open(
      bytesSource(
        'm.safetensors',
        f32Safetensors({
          w1: { shape: [64, 8], data: w1 },
          w2: { shape: [32, 8], data: w2 },
          bias,
        }),
      ),
    );
    const scheme = { ...DEFAULT_SPEC, bits: 4 };
    const seen: number[] = [];
    const rows = await s.sensitivity(m.id, scheme, { onProgress: (f) => seen.push(f) });
    expect(rows.map((r) => r.name)).toEqual(['w1', 'w2']);
    expect(rows[0]!.mse).toBe((await quantizeOn(cpuBackend(), w1, [64, 8], scheme)).error.mse);
    // int4 with one f32 scale per row of 8: 4 + 32/8 bits per weight.
    expect(rows[0]!.bitsPerWeight).toBe(8);
    expect(rows[0]!.bytes).toBe(64 * 8 * 4);
    expect(rows[0]!.bytesAfter).toBe(64 * 8);
    const only = await s.sensitivity(m.id, scheme, { filter: 'w2' });
    expect(only.map((r) => r.name)).toEqual(['w2']);
    expect(only[0]!.share).toBe(1);
    expect(rows.reduce((a, r) => a + r.share, 0)).toBeCloseTo(1, 12);
    // The wide tensor holds most of the squared error.
    expect(rows[1]!.share).toBeGreaterThan(0.9);
    expect(seen.at(-1)).toBe(1);
  });

  test('planner options: every weight at each candidate, sizes and squared errors', async () => {
    const s = createSession();
    const w = normal(16 * 32, 41, 0.1);
    const m = await s.open(
      bytesSource('p.safetensors', f32Safetensors({ w: { shape: [16, 32], data: w } })),
    );
    const [t] = await s.planOptions(m.id, {
      ...DEFAULT_SPEC,
      granularity: { kind: 'group', size: 32 },
    });
    expect(t!.options.map((o) => o.label)).toEqual([
      'int2',
      'int3',
      'int4',
      'int5',
      'int6',
      'int8',
      'fp16',
    ]);
    // int4 in groups of 32 with f32 scales: 5 bits per weight.
    expect(t!.options[2]!.bytes).toBe((16 * 32 * 5) / 8);
    const sse = t!.options.map((o) => o.sse);
    for (let i = 1; i < sse.length; i++) expect(sse[i]!).toBeLessThan(sse[i - 1]!);
  });

  test('comparison of formats, bit widths and clipping on one tensor', async () => {
    const s = createSession();
    const w = normal(8 * 64, 42, 1);
    const m = await s.open(
      bytesSource('c.safetensors', f32Safetensors({ w: { shape: [8, 64], data: w } })),
    );
    const c = await s.compare(m.id, 'w', DEFAULT_SPEC);
    const sqnr = Object.fromEntries(c.formats.map((r) => [r.label, r.error.sqnrDb]));
    expect(sqnr['fp16']!).toBeGreaterThan(sqnr['int8 sym']!);
    expect(sqnr['int8 sym']!).toBeGreaterThan(sqnr['int4 sym']!);
    expect(sqnr['int4 sym']!).toBeGreaterThan(sqnr['binary']!);
    // About 6 dB a bit once rounding dominates.
    const bits = c.bits.map((r) => r.error.sqnrDb);
    expect(bits[6]! - bits[5]!).toBeGreaterThan(5);
    expect(bits[6]! - bits[5]!).toBeLessThan(7);
    expect(c.clips[0]!.error.clipped).toBe(0);
    expect(c.clips.at(-1)!.error.clippingMse).toBeGreaterThan(0);
  });

  test('big tensors are compared on evenly spaced whole rows', async () => {
    const { sampleRows } = await import('../../src/engine/quantize.ts');
    const x = Float32Array.from({ length: 100 * 30 }, (_, i) => i);
    const s = sampleRows(x, [100, 30], 1000);
    expect(s.shape).toEqual([33, 30]);
    expect(s.x[30]).toBe(3 * 30); // row 3 is the second kept
    expect(sampleRows(x, [3000], 500).shape).toEqual([500]);
    expect(sampleRows(x, [100, 30], 5000).x).toBe(x);
  });

  test('the worst blocks are the top of a full sort, and a NaN weight does not sink the planner', async () => {
    const { worstBlocks } = await import('../../src/engine/quantize.ts');
    const { quantize } = await import('../../src/core/quant/quant.ts');
    const { blockErrors } = await import('../../src/core/quant/block-error.ts');
    const x = normal(512 * 16, 77, 1);
    const q = quantize(x, [512, 16], { ...DEFAULT_SPEC, bits: 3 }, { dequantized: false });
    const all = blockErrors(q.sums)
      .map((e, block) => ({ block, mse: e.mse }))
      .sort((a, b) => b.mse - a.mse || a.block - b.block);
    expect(worstBlocks(q, 10).map((b) => b.block)).toEqual(all.slice(0, 10).map((b) => b.block));
    expect(worstBlocks(q, 1000)).toHaveLength(512);

    const s = createSession();
    const m = await s.open(
      bytesSource(
        'n.safetensors',
        f32Safetensors({
          good: { shape: [8, 8], data: normal(64, 1) },
          nan: { shape: [8, 8], data: new Float32Array(64).fill(NaN) },
        }),
      ),
    );
    const tensors = await s.planOptions(m.id, DEFAULT_SPEC);
    expect(tensors.find((t) => t.name === 'nan')!.options.every((o) => o.sse === 0)).toBe(true);
    const { planMixed } = await import('../../src/core/quant/planner.ts');
    expect(planMixed(tensors, 1e6)).not.toBeNull();
  });

  test('fp16 export saturates as the report does, not to Infinity', async () => {
    const { exportModel } = await import('../../src/engine/export.ts');
    const { openGroup } = await import('../../src/formats/group.ts');
    const { readTensorF32 } = await import('../../src/formats/tensor-data.ts');
    const src = f32Safetensors({
      w: { shape: [2, 2], data: Float32Array.of(70000, -1e6, 1, 0.5) },
    });
    const { models } = await openGroup([bytesSource('h.safetensors', src)]);
    const out = exportModel(models[0]!, {
      format: 'safetensors',
      spec: { ...DEFAULT_SPEC, format: 'fp16' },
    });
    const parts: Uint8Array[] = [];
    for await (const c of out.chunks) parts.push(new Uint8Array(c));
    const bytes = Uint8Array.from(parts.flatMap((p) => [...p]));
    const back = (await openGroup([bytesSource('o.safetensors', bytes)])).models[0]!;
    const t = back.info.tensors[0]!;
    expect(t.dtype).toBe('F16');
    expect([...(await readTensorF32(back.sources.get(back.info.file)!, t))]).toEqual([
      65504, -65504, 1, 0.5,
    ]);
  });
});
