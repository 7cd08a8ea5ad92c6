// Exports: the file name says the model and the scheme; an export runs to its end while other work
// waits, and a saved file is a notice.
import { beforeEach, expect, test, vi } from 'vitest';
import { exportFileName, exportModel, specTag } from '../../src/state/export/actions.ts';
import { selectTensor } from '../../src/state/tensors/actions.ts';
import { quantSpecOf } from '../../src/state/settings/slice.ts';
import { useStore } from '../../src/state/store.ts';
import { freshStore, model, noticeTexts, type FakeEngine } from './state-fake-engine.ts';

let engine: FakeEngine;
beforeEach(async () => {
  engine = await freshStore();
  useStore.setState({ model: model('x', { file: 'dir/net.safetensors' }), models: [model('x')] });
});

test('file names', () => {
  const spec = quantSpecOf(useStore.getState().settings);
  expect(specTag(spec)).toBe('int8-ch0');
  expect(
    specTag({ ...spec, bits: 4, symmetric: false, granularity: { kind: 'group', size: 32 } }),
  ).toBe('int4-g32-asym');
  expect(exportFileName({ format: 'safetensors', spec } as never)).toBe('net.int8-ch0.safetensors');
  expect(
    exportFileName({ format: 'safetensors', quantize: 'int8', symmetric: false } as never),
  ).toBe('net.int8-asym.safetensors');
  expect(exportFileName({ format: 'npy', tensor: 'a/b c' } as never)).toBe('a_b_c.npy');
  expect(exportFileName({ format: 'gguf', type: 'Q8_0' } as never)).toBe('net.q8_0.gguf');
});

test('an export is not displaced by a tensor chosen meanwhile, which is analysed after it', async () => {
  const release = engine.hold('export');
  const options = { format: 'safetensors', quantize: 'none' } as never;
  const done = exportModel(options);
  await vi.waitFor(() => expect(engine.of('export')).toHaveLength(1));
  await selectTensor('fc2.weight');
  expect(engine.of('export')[0]!.opts.signal!.aborted).toBe(false);
  expect(engine.of('analyse')).toEqual([]);
  release({ bytes: 1234, blob: null });
  await done;
  await vi.waitFor(() => expect(engine.of('analyse')).toHaveLength(1));
  expect(noticeTexts()).toEqual([
    'info: Analysing fc2.weight will start when the export is done (or cancel the export)',
    'info: Saved net.safetensors (1,234 bytes)',
  ]);
  await vi.waitFor(() => expect(useStore.getState().job).toBeNull());
});
