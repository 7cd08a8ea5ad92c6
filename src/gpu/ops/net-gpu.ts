// A demo network on the GPU: parameters, gradients and Adam moments live in GPU buffers; a forward
// pass, a backward pass and an Adam step are encoded layer by layer from the same layer list the
// CPU reference (src/core/nn/network.ts) runs, through the table of layer kinds in net-layers.ts;
// only logits or the loss come back.
import type { Params } from '../../core/nn/layer.ts';
import { netParams, type Net } from '../../core/nn/network.ts';
import type { Patchify } from '../../core/nn/token-layers.ts';
import { readBack, storage, uploadF32 } from '../buffers.ts';
import type { GpuContext } from '../device.ts';
import { encodeAdam } from '../kernels/adam.ts';
import { encodeCrossEntropy } from '../kernels/cross_entropy.ts';
import { gpuLayer, perSampleBytes, type Cache, type NetPass } from './net-layers.ts';

export interface TrainStepOptions {
  lr: number;
  weightDecay?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
}

export class GpuNet {
  private readonly p = new Map<string, GPUBuffer>();
  private readonly g = new Map<string, GPUBuffer>();
  private readonly m = new Map<string, GPUBuffer>();
  private readonly v = new Map<string, GPUBuffer>();
  private readonly masks = new Map<string, GPUBuffer>();
  private readonly idx = new Map<Patchify, { fwd: GPUBuffer; inv: GPUBuffer }>();
  private readonly shapes: Array<[string, number[]]>;
  private t = 0;
  /** Samples per dispatch chain, bounded by the binding limit. */
  readonly chunk: number;

  constructor(
    private readonly ctx: GpuContext,
    readonly net: Net,
    params: Params,
    masks?: Params,
  ) {
    this.shapes = netParams(net);
    for (const [name] of this.shapes) {
      // Masked entries start at zero, as the CPU loop's first applyMasks leaves them.
      const m = masks?.[name];
      const a = m ? params[name]!.map((v, i) => (m[i] ? v : 0)) : params[name]!;
      this.p.set(name, this.upload(a));
    }
    for (const [name, m] of Object.entries(masks ?? {})) this.masks.set(name, this.upload(m));
    this.chunk = Math.max(
      1,
      Math.min(256, Math.floor(ctx.maxBindingBytes / perSampleBytes(net.layers))),
    );
  }

  private upload(a: Float32Array): GPUBuffer {
    const b = storage(this.ctx.device, a.length * 4);
    this.ctx.device.queue.writeBuffer(b, 0, a);
    return b;
  }

  private indexFor(l: Patchify) {
    let e = this.idx.get(l);
    if (!e) {
      const fwd = l.index();
      const inv = new Uint32Array(fwd.length);
      fwd.forEach((v, i) => (inv[v] = i));
      const up = (a: Uint32Array) => {
        const b = storage(this.ctx.device, a.byteLength);
        this.ctx.device.queue.writeBuffer(b, 0, a);
        return b;
      };
      e = { fwd: up(fwd), inv: up(inv) };
      this.idx.set(l, e);
    }
    return e;
  }

  /** A pass of B samples encoded into `enc`, whose temporaries go to `temps`. */
  private pass(enc: GPUCommandEncoder, B: number, temps: GPUBuffer[]): NetPass {
    const { device } = this.ctx;
    const p: NetPass = {
      device,
      enc,
      B,
      buf: (floats) => {
        const b = storage(device, floats * 4);
        temps.push(b);
        return b;
      },
      keep: async (t) => {
        temps.push(...(await t));
      },
      param: (name) => this.p.get(name) ?? null,
      grad: (name) => {
        const g = this.g.get(name);
        if (!g) throw new Error(`GpuNet: no gradient buffer for ${name}`);
        return g;
      },
      patchIndex: (l) => this.indexFor(l),
      async forward(layers, x, caches) {
        let h = x;
        for (const l of layers) {
          const cache: Cache = { x: h, saved: {} };
          h = await gpuLayer(l).forward(p, l, h, cache);
          caches.push(cache);
        }
        return h;
      },
      async backward(layers, caches, dy) {
        let g = dy;
        for (let i = layers.length - 1; i >= 0; i--)
          g = await gpuLayer(layers[i]!).backward(p, layers[i]!, g, caches[i]!);
        return g;
      },
    };
    return p;
  }

  private ensureGrads() {
    if (this.g.size) return;
    const dev = this.ctx.device;
    for (const [name, shape] of this.shapes) {
      const n = shape.reduce((a, b) => a * b, 1);
      this.g.set(name, storage(dev, n * 4, true));
      this.m.set(name, storage(dev, n * 4, true));
      this.v.set(name, storage(dev, n * 4, true));
    }
  }

  /** Logits of B samples, in chunks that keep every binding under the device's limit. */
  async logits(x: Float32Array, B: number): Promise<Float32Array> {
    const { device } = this.ctx;
    const C = this.net.classes;
    const out = new Float32Array(B * C);
    for (let s = 0; s < B; s += this.chunk) {
      const n = Math.min(this.chunk, B - s);
      const temps: GPUBuffer[] = [uploadF32(device, x, s * this.net.inSize, n * this.net.inSize)];
      try {
        const enc = device.createCommandEncoder();
        const y = await this.pass(enc, n, temps).forward(this.net.layers, temps[0]!, []);
        const [bytes] = await readBack(device, enc, [y]);
        out.set(new Float32Array(bytes!, 0, n * C), s * C);
      } finally {
        temps.forEach((t) => t.destroy());
      }
    }
    return out;
  }

  /** Encodes forward, cross-entropy and backward for one batch; the per-row losses buffer. */
  private async encodeGradients(
    enc: GPUCommandEncoder,
    x: Float32Array,
    labels: ArrayLike<number>,
    B: number,
    temps: GPUBuffer[],
  ): Promise<GPUBuffer> {
    if (B > this.chunk) throw new RangeError(`a batch of ${B} exceeds ${this.chunk} samples`);
    const { device } = this.ctx;
    this.ensureGrads();
    const xb = uploadF32(device, x, 0, B * this.net.inSize);
    temps.push(xb);
    const caches: Cache[] = [];
    const pass = this.pass(enc, B, temps);
    const logits = await pass.forward(this.net.layers, xb, caches);
    const lab = storage(device, B * 4);
    device.queue.writeBuffer(lab, 0, Uint32Array.from(labels));
    const grad = storage(device, B * this.net.classes * 4);
    const loss = storage(device, B * 4);
    temps.push(lab, grad, loss);
    temps.push(
      ...(await encodeCrossEntropy(
        device,
        enc,
        { logits, labels: lab, grad, loss },
        B,
        this.net.classes,
      )),
    );
    await pass.backward(this.net.layers, caches, grad);
    return loss;
  }

  /** Mean cross-entropy of a batch and every parameter's gradient (for parity with the CPU). */
  async gradients(
    x: Float32Array,
    labels: ArrayLike<number>,
    B: number,
  ): Promise<{ loss: number; grads: Params }> {
    const { device } = this.ctx;
    const temps: GPUBuffer[] = [];
    try {
      const enc = device.createCommandEncoder();
      const loss = await this.encodeGradients(enc, x, labels, B, temps);
      const names = this.shapes.map(([n]) => n);
      const bytes = await readBack(device, enc, [loss, ...names.map((n) => this.g.get(n)!)]);
      const grads: Params = {};
      names.forEach((n, i) => {
        const len = this.shapes[i]![1].reduce((a, b) => a * b, 1);
        grads[n] = new Float32Array(bytes[i + 1]!, 0, len);
      });
      const l = new Float32Array(bytes[0]!, 0, B);
      return { loss: l.reduce((a, v) => a + v, 0) / B, grads };
    } finally {
      temps.forEach((t) => t.destroy());
    }
  }

  /** One training step (forward, cross-entropy, backward, Adam); returns the batch's mean loss. */
  async step(
    x: Float32Array,
    labels: ArrayLike<number>,
    B: number,
    o: TrainStepOptions,
  ): Promise<number> {
    const { device } = this.ctx;
    const temps: GPUBuffer[] = [];
    try {
      const enc = device.createCommandEncoder();
      const loss = await this.encodeGradients(enc, x, labels, B, temps);
      this.t++;
      for (const [name, shape] of this.shapes) {
        const n = shape.reduce((a, b) => a * b, 1);
        temps.push(
          ...(await encodeAdam(
            device,
            enc,
            {
              g: this.g.get(name)!,
              mask: this.masks.get(name) ?? null,
              p: this.p.get(name)!,
              m: this.m.get(name)!,
              v: this.v.get(name)!,
            },
            n,
            {
              lr: o.lr,
              beta1: o.beta1 ?? 0.9,
              beta2: o.beta2 ?? 0.999,
              eps: o.eps ?? 1e-8,
              t: this.t,
              decay: shape.length >= 2 && o.weightDecay ? 1 - o.lr * o.weightDecay : 1,
            },
          )),
        );
      }
      const [bytes] = await readBack(device, enc, [loss]);
      const l = new Float32Array(bytes!, 0, B);
      return l.reduce((a, v) => a + v, 0) / B;
    } finally {
      temps.forEach((t) => t.destroy());
    }
  }

  /** The current parameters, read back. */
  async download(): Promise<Params> {
    const { device } = this.ctx;
    const names = this.shapes.map(([n]) => n);
    const bytes = await readBack(
      device,
      device.createCommandEncoder(),
      names.map((n) => this.p.get(n)!),
    );
    const out: Params = {};
    names.forEach((n, i) => {
      const len = this.shapes[i]![1].reduce((a, b) => a * b, 1);
      out[n] = new Float32Array(bytes[i]!, 0, len);
    });
    return out;
  }

  destroy(): void {
    for (const m of [this.p, this.g, this.m, this.v, this.masks]) {
      m.forEach((b) => b.destroy());
      m.clear();
    }
    this.idx.forEach((e) => {
      e.fwd.destroy();
      e.inv.destroy();
    });
  }
}
