import { afterEach, describe, expect, test, vi } from 'vitest';
import { queueTask } from '../../src/ui/common/one-per-task.ts';

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('pieces of work queued one per task', () => {
  test('none runs at once; each runs in a task of its own, in order, a frame after the last', async () => {
    vi.useFakeTimers();
    const frames: Array<() => void> = [];
    vi.stubGlobal('requestAnimationFrame', (f: () => void) => frames.push(f));
    const ran: string[] = [];
    queueTask(() => ran.push('a'));
    queueTask(() => {
      ran.push('b');
      // Queued from inside a piece: after everything already waiting.
      queueTask(() => ran.push('d'));
    });
    queueTask(() => ran.push('c'));
    expect(ran).toEqual([]);
    await vi.advanceTimersByTimeAsync(0);
    expect(ran).toEqual(['a']);
    // The next piece waits for the next frame, and then for the task after it.
    await vi.advanceTimersByTimeAsync(10);
    expect(ran).toEqual(['a']);
    frames.shift()!();
    expect(ran).toEqual(['a']);
    await vi.advanceTimersByTimeAsync(0);
    expect(ran).toEqual(['a', 'b']);
    frames.shift()!();
    await vi.advanceTimersByTimeAsync(0);
    expect(ran).toEqual(['a', 'b', 'c']);
    frames.shift()!();
    await vi.advanceTimersByTimeAsync(0);
    expect(ran).toEqual(['a', 'b', 'c', 'd']);
  });

  test('a page that draws no frames (hidden) still gets every piece, about 100 ms apart', async () => {
    vi.useFakeTimers();
    vi.stubGlobal('requestAnimationFrame', () => 0);
    const ran: number[] = [];
    for (let i = 0; i < 3; i++) queueTask(() => ran.push(i));
    await vi.advanceTimersByTimeAsync(0);
    expect(ran).toEqual([0]);
    await vi.advanceTimersByTimeAsync(95);
    expect(ran).toEqual([0]);
    // (A timer set inside a timer fires a millisecond late under fake timers, as in Node.)
    await vi.advanceTimersByTimeAsync(10);
    expect(ran).toEqual([0, 1]);
    await vi.advanceTimersByTimeAsync(105);
    expect(ran).toEqual([0, 1, 2]);
  });

  test('a piece that throws does not stop the pieces after it', async () => {
    vi.useFakeTimers();
    vi.stubGlobal('requestAnimationFrame', () => 0);
    const errors: unknown[] = [];
    const onError = (e: unknown) => errors.push(e);
    process.on('uncaughtException', onError);
    const ran: string[] = [];
    queueTask(() => {
      throw new Error('broken chart');
    });
    queueTask(() => ran.push('next'));
    await vi.advanceTimersByTimeAsync(0).catch((e: unknown) => errors.push(e));
    await vi.advanceTimersByTimeAsync(200);
    process.off('uncaughtException', onError);
    expect(ran).toEqual(['next']);
    expect(errors).toHaveLength(1);
  });
});
