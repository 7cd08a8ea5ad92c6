// GPU time of compute passes from timestamp queries, where the device has `timestamp-query`.
// Browsers may round timestamps (Chrome to 100 µs without a flag), so these suit passes of a
// millisecond or more; without the feature callers fall back to wall-clock time around a read-back.
import type { GpuContext } from './device.ts';

export class PassTimer {
  private readonly set: GPUQuerySet;
  private used = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly pairs = 64,
  ) {
    this.set = device.createQuerySet({ type: 'timestamp', count: pairs * 2 });
  }

  /** Timestamp writes for one more pass (null once every pair is used). */
  writes(): GPUComputePassTimestampWrites | undefined {
    if (this.used >= this.pairs) return undefined;
    const i = this.used++;
    return {
      querySet: this.set,
      beginningOfPassWriteIndex: 2 * i,
      endOfPassWriteIndex: 2 * i + 1,
    };
  }

  /**
   * Milliseconds the timed passes took on the GPU, summed; call after their commands were submitted
   * (queue order makes the resolve run after them). Resets the timer for the next run.
   */
  async read(): Promise<number> {
    const n = this.used * 2;
    if (!n) return 0;
    const resolved = this.device.createBuffer({
      size: n * 8,
      usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
    });
    const staging = this.device.createBuffer({
      size: n * 8,
      usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ,
    });
    try {
      const enc = this.device.createCommandEncoder();
      enc.resolveQuerySet(this.set, 0, n, resolved, 0);
      enc.copyBufferToBuffer(resolved, 0, staging, 0, n * 8);
      this.device.queue.submit([enc.finish()]);
      await staging.mapAsync(GPUMapMode.READ);
      const t = new BigInt64Array(staging.getMappedRange());
      let ns = 0;
      for (let i = 0; i < n; i += 2) ns += Math.max(0, Number(t[i + 1]! - t[i]!));
      return ns / 1e6;
    } finally {
      this.used = 0;
      resolved.destroy();
      staging.destroy();
    }
  }

  destroy(): void {
    this.set.destroy();
  }
}

/** A pass timer, or null where the device has no timestamp queries. */
export function passTimer(ctx: GpuContext): PassTimer | null {
  return ctx.summary.features.includes('timestamp-query') ? new PassTimer(ctx.device) : null;
}

/** A compute pass descriptor that times the pass when a timer with pairs left is given. */
export function timedPass(timer?: PassTimer | null): GPUComputePassDescriptor {
  const writes = timer?.writes();
  return writes ? { timestampWrites: writes } : {};
}
