// The one job runner: one job at a time, progress, pause, cancel, and the notices it leaves.
import { beforeEach, describe, expect, test } from 'vitest';
import {
  cancelJob,
  dismissNotice,
  notify,
  startJob,
  togglePause,
} from '../../src/state/jobs/actions.ts';
import { useStore } from '../../src/state/store.ts';
import {
  abortError,
  freshStore,
  noticeTexts,
  settle,
  type FakeEngine,
} from './state-fake-engine.ts';

const msgs = (what: string) => ({
  cancelled: `${what} cancelled`,
  failed: (m: string) => `${what} failed: ${m}`,
});

let engine: FakeEngine;
beforeEach(async () => {
  engine = await freshStore();
});

describe('startJob', () => {
  test('shows the job while it runs and its progress, then gives its result', async () => {
    const release = engine.hold('kernelBench');
    const done = startJob('Bench', msgs('Bench'), (o) => engine.client.run('kernelBench', {}, o));
    expect(useStore.getState().job).toMatchObject({ label: 'Bench', progress: 0, pausable: false });
    engine.of('kernelBench')[0]!.opts.onProgress!(0.5);
    expect(useStore.getState().job?.progress).toBe(0.5);
    release({ ok: 1 });
    expect(await done).toEqual({ ok: 1 });
    expect(useStore.getState().job).toBeNull();
    expect(noticeTexts()).toEqual([]);
  });

  test('a second job cancels the first, which gives nothing and no notice', async () => {
    const release = engine.hold('kernelBench');
    const first = startJob('First', msgs('First'), (o) => engine.client.run('kernelBench', {}, o));
    const second = startJob('Second', msgs('Second'), (o) =>
      engine.client.run('kernelBench', {}, o),
    );
    expect(engine.of('kernelBench')[0]!.opts.signal!.aborted).toBe(true);
    expect(await first).toBeUndefined();
    expect(useStore.getState().job?.label).toBe('Second');
    release('second result');
    expect(await second).toBe('second result');
    expect(noticeTexts()).toEqual([]);
  });

  test('a cancelled job gives an info notice', async () => {
    engine.hold('kernelBench');
    const job = startJob('Bench', msgs('Bench'), (o) => engine.client.run('kernelBench', {}, o));
    cancelJob();
    expect(await job).toBeUndefined();
    expect(noticeTexts()).toEqual(['info: Bench cancelled']);
    expect(useStore.getState().job).toBeNull();
  });

  test('a failure gives an error notice; an AbortError from the engine is a cancel', async () => {
    await startJob('A', msgs('A'), () => Promise.reject(new Error('out of memory')));
    expect(noticeTexts()).toEqual(['error: A failed: out of memory']);
    await startJob('B', msgs('B'), () => Promise.reject(abortError()));
    expect(noticeTexts()).toEqual(['error: A failed: out of memory', 'info: B cancelled']);
  });

  test('an export is not displaced: other work is refused with a notice until it ends', async () => {
    const release = engine.hold('export');
    const exp = startJob(
      'Export',
      msgs('Export'),
      (o) => engine.client.run('export', {} as never, o),
      'export',
    );
    const other = await startJob('Analysis', msgs('Analysis'), () => Promise.resolve(1));
    expect(other).toBeUndefined();
    expect(engine.of('export')[0]!.opts.signal!.aborted).toBe(false);
    expect(noticeTexts()).toEqual([
      'info: Analysis will start when the export is done (or cancel the export)',
    ]);
    release({ bytes: 1 });
    expect(await exp).toEqual({ bytes: 1 });
    expect(await startJob('Analysis', msgs('Analysis'), () => Promise.resolve(2))).toBe(2);
  });

  test('a follow-up does not run while other work does', async () => {
    const release = engine.hold('kernelBench');
    const main = startJob('Main', msgs('Main'), (o) => engine.client.run('kernelBench', {}, o));
    let ran = false;
    const follow = await startJob('Follow', msgs('Follow'), async () => (ran = true), 'follow-up');
    expect([follow, ran]).toEqual([undefined, false]);
    release(3);
    expect(await main).toBe(3);
  });

  test('a training job can be paused and resumed; the engine hears both', async () => {
    const release = engine.hold('compareQat');
    const job = startJob(
      'Train',
      msgs('Train'),
      (o) => engine.client.run('compareQat', {} as never, o),
      'training',
    );
    const heard: boolean[] = [];
    engine.of('compareQat')[0]!.opts.pause!.subscribe((p) => heard.push(p));
    togglePause();
    expect(useStore.getState().job).toMatchObject({ pausable: true, paused: true });
    togglePause();
    expect(heard).toEqual([true, false]);
    release('trained');
    expect(await job).toBe('trained');
  });

  test('only training can be paused', async () => {
    const release = engine.hold('kernelBench');
    const job = startJob('Bench', msgs('Bench'), (o) => engine.client.run('kernelBench', {}, o));
    expect(engine.of('kernelBench')[0]!.opts.pause).toBeUndefined();
    togglePause();
    expect(useStore.getState().job?.paused).toBe(false);
    release(1);
    await job;
  });
});

test('notices are added and dismissed by id', async () => {
  notify('info', 'one');
  notify('error', 'two');
  await settle();
  const [a] = useStore.getState().notices;
  dismissNotice(a!.id);
  expect(noticeTexts()).toEqual(['error: two']);
});
