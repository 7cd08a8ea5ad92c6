// `slimlab run --preset` with the Latency panel's settings: the roofline estimate of the demo under
// the link's deployment and batch on every profile, and the KV-cache numbers at the link's sizes,
// as core/perf computes them from the network's layers; any other model from its weight shapes.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { seconds } from '../../src/cli/latency.ts';
import { DEPLOYMENT_CHOICES } from '../../src/core/perf/deployments.ts';
import { FIELDS } from '../../src/presets/fields.ts';
import { main } from '../../src/cli/main.ts';
import type { PresetRun } from '../../src/cli/run.ts';
import { PROFILES } from '../../src/core/perf/hardware.ts';
import { atBatch, estimateLatency } from '../../src/core/perf/latency.ts';
import { networkWork } from '../../src/models/work.ts';
import { netFor } from '../../src/models/zoo.ts';
import { f32Safetensors } from '../helpers/safetensors.ts';

const PPOCR = new URL('../../public/models/ppocr-cls.safetensors', import.meta.url).pathname;

async function cli(args: string[]) {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => (out += `${s}\n`), err: (s) => (err += `${s}\n`) });
  return { code, out, err };
}

describe('slimlab run --preset: latency and KV cache', () => {
  test("the link's deployment, batch and profile: every profile, and the layers on the link's", async () => {
    const r = await cli(['run', '--preset', '?demo=mnist-cnn&ld=s24i8&lb=1024&lp=h100', '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as PresetRun;
    expect(j.not_run).toEqual([]);
    const l = j.latency!;
    expect(l).toMatchObject({ deployment: 's24i8', batch: 1024, profile: 'h100' });
    const net = netFor('mnist-cnn');
    const fp32 = atBatch(networkWork(net, { weightBits: 32, actBits: 32 }), 1024);
    const chosen = atBatch(networkWork(net, { weightBits: 8, actBits: 8, sparse24: true }), 1024);
    expect(l.profiles.map((p) => p.id)).toEqual(PROFILES.map((p) => p.id));
    for (const [i, p] of PROFILES.entries()) {
      expect(l.profiles[i]!.fp32_s).toBe(estimateLatency(fp32, p, 'native').seconds);
      expect(l.profiles[i]!.native_s).toBe(estimateLatency(chosen, p, 'native').seconds);
      expect(l.profiles[i]!.webgpu_s).toBe(
        p.webgpu.available ? estimateLatency(chosen, p, 'webgpu').seconds : null,
      );
    }
    const h100 = estimateLatency(
      chosen,
      PROFILES.find((p) => p.id === 'h100')!,
      'native',
    );
    expect(l.layers.map((x) => x.bound)).toEqual(h100.layers.map((x) => x.bound));
    expect(l.notes).toEqual(h100.notes);
    // int8 2:4 is at least as fast as fp32 on a profile with sparse int8 tensor cores.
    expect(l.profiles.find((p) => p.id === 'h100')!.native_s).toBeLessThan(
      l.profiles.find((p) => p.id === 'h100')!.fp32_s,
    );
    expect(j.kv_cache).toBeNull();
  });

  test('the text names the deployment and each profile with a unit, never a raw double', async () => {
    const r = await cli(['run', '--preset', '?demo=mnist-mlp&ld=fp16']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/latency \(fp16, batch 1\), estimated natively on each profile:/);
    expect(r.out).toMatch(/NVIDIA A10: [\d.]+ µs \(fp32 [\d.]+ µs; WebGPU [\d.]+ µs\)/);
    expect(r.out).toMatch(/WebGPU not available/);
    // Every decimal fraction has at most five significant digits.
    const fractions = r.out.match(/\d*\.\d+/g) ?? [];
    expect(fractions.length).toBeGreaterThan(20);
    for (const f of fractions)
      expect(f.replace('.', '').replace(/^0+/, '').length).toBeLessThanOrEqual(5);
    expect(seconds(0.0123456)).toBe('12.346 ms');
    expect(seconds(2.5e-7)).toBe('250 ns');
  });

  test('KV cache: 2 · layers · heads · head size · bytes a token; paged wastes less', async () => {
    const r = await cli([
      'run',
      '--preset',
      '?demo=mnist-cnn&kl=12&kh=8&kd=64&kb=1&kk=32',
      '--json',
    ]);
    const j = JSON.parse(r.out) as PresetRun;
    const kv = j.kv_cache!;
    expect(kv.bytes_per_token).toBe(2 * 12 * 8 * 64 * 1);
    expect(kv.block).toBe(32);
    // Lengths uniform up to 2048: contiguous reservation wastes about half; blocks of 32 waste
    // at most 31 of each request's tokens.
    expect(kv.contiguous.waste).toBeGreaterThan(0.4);
    expect(kv.contiguous.waste).toBeLessThan(0.6);
    expect(kv.paged.waste).toBeLessThan(32 / 1024);
    expect(kv.paged.fit).toBeGreaterThanOrEqual(kv.contiguous.fit);
    expect(j.latency).toBeNull();
  });

  test("a model that is not a network: from its weight shapes at the page's 64 tokens, said so", async () => {
    const r = await cli(['run', '--preset', '?ld=fp16&lb=8', '--model', PPOCR, '--json']);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/latency from its weight shapes at 64 tokens .* not at the link's batch/);
    const j = JSON.parse(r.out) as PresetRun;
    expect(j.not_run).toEqual([]);
    expect(j.latency).toMatchObject({ deployment: 'fp16', batch: 64, of: 'tokens' });
    // fp16 weights and arithmetic are no slower than fp32 on any profile.
    for (const p of j.latency!.profiles) expect(p.native_s).toBeLessThanOrEqual(p.fp32_s);
  });

  test('a file with no weight to estimate names the latency settings with the reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slimlab-lat-'));
    const file = join(dir, 'v.safetensors');
    writeFileSync(file, f32Safetensors({ v: { shape: [5], data: new Float32Array(5).fill(1) } }));
    const j = JSON.parse(
      (await cli(['run', '--preset', '?ld=fp16', '--model', file, '--json'])).out,
    ) as PresetRun;
    expect(j.latency).toBeNull();
    expect(j.not_run).toEqual([
      expect.stringMatching(
        /^latDeployment: not computed by slimlab run: the latency model has no layers to estimate in v\.safetensors \(/,
      ),
    ]);
  });

  test('every deployment of the preset field has a meaning here', () => {
    expect(DEPLOYMENT_CHOICES.map((c) => c.id).sort()).toEqual(
      [...FIELDS.latDeployment.options].sort(),
    );
  });

  test('the stories260K demo opens its llama2.c checkpoint; its KV cache settings run', async () => {
    const r = await cli(['run', '--preset', '?demo=stories260K&kl=5&kh=4&kd=16&kb=1', '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as PresetRun;
    expect(j.model).toBe('stories260K.bin');
    expect(j.kv_cache!.bytes_per_token).toBe(2 * 5 * 4 * 16 * 1);
  });
});
