import { expect, test } from '@playwright/test';
import { npyFile, safetensorsFile, type MadeFile } from './fixtures/files.ts';
import { Slimlab } from './fixtures/slimlab.ts';

const good = safetensorsFile('good.safetensors', {
  w: { shape: [4], data: Float32Array.of(1, 2, 3, 4) },
});

function withBuffer(name: string, buffer: Buffer): MadeFile {
  return { name, mimeType: 'application/octet-stream', buffer };
}

const bad: Array<[string, MadeFile, RegExp]> = [
  [
    'a truncated safetensors file',
    withBuffer('cut.safetensors', good.buffer.subarray(0, good.buffer.length - 3)),
    /cut\.safetensors: data section: .*incomplete/,
  ],
  [
    'a header length past the end',
    (() => {
      const b = Buffer.from(good.buffer);
      b.writeBigUInt64LE(99_999n);
      return withBuffer('long.safetensors', b);
    })(),
    /long\.safetensors: header length: the first 8 bytes \(9f 86 01 00 00 00 00 00\) read as a header of 99999 bytes, which passes the end/,
  ],
  [
    'a header that is not JSON',
    (() => {
      const b = Buffer.from(good.buffer);
      b.write('{"w":[', 8);
      return withBuffer('notjson.safetensors', b);
    })(),
    /notjson\.safetensors: header: is not JSON/,
  ],
  [
    'an .npy with a broken header',
    npyFile('broken.npy', "{'descr': '<f4', 'shape': (2,", Buffer.alloc(8)),
    /broken\.npy: header: is not a Python dict literal/,
  ],
];

for (const [what, file, message] of bad) {
  test(`${what} gives a clear message and keeps the open model`, async ({ page }) => {
    const app = new Slimlab(page);
    await app.open({ demo: false });
    await app.drop([good]);
    await app.waitForHistogram('w', 64);
    await app.drop([file]);
    await expect(app.notices.getByRole('alert')).toHaveText(message);
    // Nothing lost: the previous model and its analysis are still there, and the page still works.
    await expect(page.getByRole('heading', { name: /good\.safetensors/ })).toBeVisible();
    await expect(app.table.locator('tbody tr')).toHaveCount(1);
    await app.setBins(16);
    await app.waitForHistogram('w', 16);
    await app.notices.getByRole('button', { name: 'Dismiss message' }).click();
    await expect(app.notices).toHaveCount(0);
  });
}

test('good and bad files dropped together: the good one opens, the bad one is listed', async ({
  page,
}) => {
  const app = new Slimlab(page);
  await app.open({ demo: false });
  await app.drop([withBuffer('junk.safetensors', Buffer.from('not a model')), good]);
  await expect(app.notices.getByRole('alert')).toContainText('junk.safetensors');
  await app.waitForHistogram('w', 64);
});
