// A demo network on the GPU: parameters, gradients and Adam moments live in GPU buffers; a forward
// pass, a backward pass and an Adam step are encoded layer by layer from the same layer list the
// CPU reference (src/core/net.ts) runs, and only logits or the loss come back.
import {
  AddPosition,
  Attention,
  Conv2d,
  Dense,
  Gelu,
  LayerNorm,
  MaxPool2,
  MeanTokens,
  netParams,
  Patchify,
  Relu,
  Residual,
  type Layer,
  type Net,
  type Params,
} from '../core/nn/net.ts';
import { readBack, storage, uploadF32 } from './buffers.ts';
import type { GpuContext } from './device.ts';
import * as K from './kernels/nn.ts';

type Cache = Record<string, GPUBuffer | number>;

/** Bytes of the largest activation or scratch buffer one sample needs, over all layers. */
function perSampleBytes(layers: Layer[]): number {
  let most = 0;
  for (const l of layers) {
    most = Math.max(most, l.inSize * 4, l.outSize * 4);
    if (l instanceof Conv2d) most = Math.max(most, l.oh * l.ow * l.cols * 4);
    if (l instanceof Attention) most = Math.max(most, l.heads * l.tokens * l.tokens * 4);
    if (l instanceof Residual) most = Math.max(most, perSampleBytes(l.inner));
  }
  return most;
}

export interface TrainStepOptions {
  lr: number;
  weightDecay?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
}

export class GpuNet {
  private readonly d: K.Device;
  private readonly p = new Map<string, GPUBuffer>();
  private readonly g = new Map<string, GPUBuffer>();
  private readonly m = new Map<string, GPUBuffer>();
  private readonly v = new Map<string, GPUBuffer>();
  private readonly masks = new Map<string, GPUBuffer>();
  private readonly idx = new Map<Layer, { fwd: GPUBuffer; inv: GPUBuffer }>();
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
    const { device } = ctx;
    this.d = { device, dummy: storage(device, 4, true), sink: storage(device, 4, true) };
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

  /** A storage buffer destroyed with the other temporaries of the pass. */
  private alloc(temps: GPUBuffer[], floats: number): GPUBuffer {
    const b = storage(this.ctx.device, floats * 4);
    temps.push(b);
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

  /** Encodes the forward pass of `layers` on x (B samples); caches go to `caches` (one per layer). */
  private async forwardLayers(
    enc: GPUCommandEncoder,
    layers: Layer[],
    x: GPUBuffer,
    B: number,
    caches: Cache[],
    temps: GPUBuffer[],
  ): Promise<GPUBuffer> {
    const d = this.d;
    const buf = (floats: number) => this.alloc(temps, floats);
    let h = x;
    for (const l of layers) {
      const cache: Cache = { x: h };
      let y: GPUBuffer;
      if (l instanceof Dense) {
        const M = B * l.tokens;
        y = buf(M * l.rows);
        temps.push(
          ...(await K.matmul(
            d,
            enc,
            {
              a: h,
              b: this.p.get(`${l.name}.weight`)!,
              bias: this.p.get(`${l.name}.bias`) ?? null,
              c: y,
            },
            M,
            l.cols,
            l.rows,
            { transB: true },
          )),
        );
      } else if (l instanceof Conv2d) {
        const P = l.oh * l.ow;
        const cols = buf(B * P * l.cols);
        const s = { b: B, c: l.cin, h: l.h, w: l.w, k: l.k, pad: l.pad, oh: l.oh, ow: l.ow };
        temps.push(...(await K.im2col(d, enc, h, cols, s, false)));
        const t = buf(B * P * l.cout);
        temps.push(
          ...(await K.matmul(
            d,
            enc,
            {
              a: cols,
              b: this.p.get(`${l.name}.weight`)!,
              bias: this.p.get(`${l.name}.bias`) ?? null,
              c: t,
            },
            B * P,
            l.cols,
            l.cout,
            { transB: true },
          )),
        );
        y = buf(B * P * l.cout);
        temps.push(...(await K.transpose(d, enc, t, y, B, P, l.cout)));
        cache.cols = cols;
      } else if (l instanceof Relu || l instanceof Gelu) {
        y = buf(B * l.inSize);
        temps.push(
          ...(await K.elementwise(
            d,
            enc,
            l instanceof Relu ? K.OP.relu : K.OP.gelu,
            h,
            null,
            y,
            B * l.inSize,
          )),
        );
      } else if (l instanceof MaxPool2) {
        y = buf(B * l.outSize);
        const arg = buf(B * l.outSize);
        temps.push(...(await K.maxpool(d, enc, h, y, arg, B * l.c, l.h, l.w, false)));
        cache.arg = arg;
      } else if (l instanceof LayerNorm) {
        const rows = B * l.tokens;
        y = buf(rows * l.dim);
        const xhat = buf(rows * l.dim);
        const rstd = buf(rows);
        temps.push(
          ...(await K.layernorm(
            d,
            enc,
            {
              x: h,
              gamma: this.p.get(`${l.name}.weight`)!,
              beta: this.p.get(`${l.name}.bias`)!,
              y,
              xhat,
              rstd,
            },
            rows,
            l.dim,
            l.eps,
            false,
          )),
        );
        cache.xhat = xhat;
        cache.rstd = rstd;
      } else if (l instanceof Patchify) {
        y = buf(B * l.outSize);
        temps.push(...(await K.gather(d, enc, h, this.indexFor(l).fwd, y, B, l.inSize)));
      } else if (l instanceof AddPosition) {
        y = buf(B * l.outSize);
        temps.push(
          ...(await K.elementwise(
            d,
            enc,
            K.OP.addPeriodic,
            h,
            this.p.get(l.name)!,
            y,
            B * l.inSize,
            l.inSize,
          )),
        );
      } else if (l instanceof Attention) {
        y = buf(B * l.outSize);
        const probs = buf(B * l.heads * l.tokens * l.tokens);
        temps.push(
          ...(await K.attention(
            d,
            enc,
            0,
            { qkv: h, dy: null, probs, ds: null, out: y },
            B,
            l.tokens,
            l.dim,
            l.heads,
          )),
        );
        cache.probs = probs;
      } else if (l instanceof MeanTokens) {
        y = buf(B * l.dim);
        temps.push(...(await K.meanTokens(d, enc, h, y, B, l.tokens, l.dim, false)));
      } else if (l instanceof Residual) {
        const inner: Cache[] = [];
        const r = await this.forwardLayers(enc, l.inner, h, B, inner, temps);
        y = buf(B * l.inSize);
        temps.push(...(await K.elementwise(d, enc, K.OP.add, h, r, y, B * l.inSize)));
        (cache as { inner?: unknown }).inner = inner;
      } else throw new Error(`no GPU kernel for layer ${l.kind}`);
      caches.push(cache);
      h = y;
    }
    return h;
  }

  /** Encodes the backward pass; parameter gradients go to this.g (overwritten). Returns dx. */
  private async backwardLayers(
    enc: GPUCommandEncoder,
    layers: Layer[],
    caches: Cache[],
    dy: GPUBuffer,
    B: number,
    temps: GPUBuffer[],
  ): Promise<GPUBuffer> {
    const d = this.d;
    const buf = (floats: number) => this.alloc(temps, floats);
    let g = dy;
    for (let i = layers.length - 1; i >= 0; i--) {
      const l = layers[i]!;
      const c = caches[i]!;
      const x = c.x as GPUBuffer;
      let dx: GPUBuffer;
      if (l instanceof Dense) {
        const M = B * l.tokens;
        if (l.bias)
          temps.push(...(await K.colsum(d, enc, g, this.g.get(`${l.name}.bias`)!, M, l.rows)));
        temps.push(
          ...(await K.matmul(
            d,
            enc,
            { a: g, b: x, c: this.g.get(`${l.name}.weight`)! },
            l.rows,
            M,
            l.cols,
            {
              transA: true,
            },
          )),
        );
        dx = buf(M * l.cols);
        temps.push(
          ...(await K.matmul(
            d,
            enc,
            { a: g, b: this.p.get(`${l.name}.weight`)!, c: dx },
            M,
            l.rows,
            l.cols,
          )),
        );
      } else if (l instanceof Conv2d) {
        const P = l.oh * l.ow;
        const dt = buf(B * P * l.cout);
        temps.push(...(await K.transpose(d, enc, g, dt, B, l.cout, P)));
        if (l.bias)
          temps.push(...(await K.colsum(d, enc, dt, this.g.get(`${l.name}.bias`)!, B * P, l.cout)));
        temps.push(
          ...(await K.matmul(
            d,
            enc,
            { a: dt, b: c.cols as GPUBuffer, c: this.g.get(`${l.name}.weight`)! },
            l.cout,
            B * P,
            l.cols,
            { transA: true },
          )),
        );
        const dcols = buf(B * P * l.cols);
        temps.push(
          ...(await K.matmul(
            d,
            enc,
            { a: dt, b: this.p.get(`${l.name}.weight`)!, c: dcols },
            B * P,
            l.cout,
            l.cols,
          )),
        );
        dx = buf(B * l.inSize);
        const s = { b: B, c: l.cin, h: l.h, w: l.w, k: l.k, pad: l.pad, oh: l.oh, ow: l.ow };
        temps.push(...(await K.im2col(d, enc, dcols, dx, s, true)));
      } else if (l instanceof Relu || l instanceof Gelu) {
        dx = buf(B * l.inSize);
        const op = l instanceof Relu ? K.OP.reluBackward : K.OP.geluBackward;
        temps.push(...(await K.elementwise(d, enc, op, x, g, dx, B * l.inSize)));
      } else if (l instanceof MaxPool2) {
        dx = buf(B * l.inSize);
        temps.push(
          ...(await K.maxpool(d, enc, g, dx, c.arg as GPUBuffer, B * l.c, l.h, l.w, true)),
        );
      } else if (l instanceof LayerNorm) {
        const rows = B * l.tokens;
        dx = buf(rows * l.dim);
        temps.push(
          ...(await K.layernorm(
            d,
            enc,
            {
              x: g,
              gamma: this.p.get(`${l.name}.weight`)!,
              beta: this.p.get(`${l.name}.bias`)!,
              y: dx,
              xhat: c.xhat as GPUBuffer,
              rstd: c.rstd as GPUBuffer,
            },
            rows,
            l.dim,
            l.eps,
            true,
          )),
        );
        const prod = buf(rows * l.dim);
        temps.push(
          ...(await K.elementwise(
            d,
            enc,
            K.OP.multiply,
            g,
            c.xhat as GPUBuffer,
            prod,
            rows * l.dim,
          )),
        );
        temps.push(...(await K.colsum(d, enc, prod, this.g.get(`${l.name}.weight`)!, rows, l.dim)));
        temps.push(...(await K.colsum(d, enc, g, this.g.get(`${l.name}.bias`)!, rows, l.dim)));
      } else if (l instanceof Patchify) {
        dx = buf(B * l.inSize);
        temps.push(...(await K.gather(d, enc, g, this.indexFor(l).inv, dx, B, l.inSize)));
      } else if (l instanceof AddPosition) {
        temps.push(...(await K.colsum(d, enc, g, this.g.get(l.name)!, B, l.inSize)));
        dx = g;
      } else if (l instanceof Attention) {
        dx = buf(B * l.inSize);
        const ds = buf(B * l.heads * l.tokens * l.tokens);
        const b = { qkv: x, dy: g, probs: c.probs as GPUBuffer, ds, out: dx };
        temps.push(...(await K.attention(d, enc, 1, b, B, l.tokens, l.dim, l.heads)));
        temps.push(...(await K.attention(d, enc, 2, b, B, l.tokens, l.dim, l.heads)));
      } else if (l instanceof MeanTokens) {
        dx = buf(B * l.inSize);
        temps.push(...(await K.meanTokens(d, enc, g, dx, B, l.tokens, l.dim, true)));
      } else if (l instanceof Residual) {
        const inner = (c as { inner?: Cache[] }).inner!;
        const r = await this.backwardLayers(enc, l.inner, inner, g, B, temps);
        dx = buf(B * l.inSize);
        temps.push(...(await K.elementwise(d, enc, K.OP.add, r, g, dx, B * l.inSize)));
      } else throw new Error(`no GPU kernel for layer ${l.kind}`);
      g = dx;
    }
    return g;
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
        const y = await this.forwardLayers(enc, this.net.layers, temps[0]!, n, [], temps);
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
    const logits = await this.forwardLayers(enc, this.net.layers, xb, B, caches, temps);
    const lab = storage(device, B * 4);
    device.queue.writeBuffer(lab, 0, Uint32Array.from(labels));
    const grad = storage(device, B * this.net.classes * 4);
    const loss = storage(device, B * 4);
    temps.push(lab, grad, loss);
    temps.push(
      ...(await K.crossEntropy(
        this.d,
        enc,
        { logits, labels: lab, grad, loss },
        B,
        this.net.classes,
      )),
    );
    await this.backwardLayers(enc, this.net.layers, caches, grad, B, temps);
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
          ...(await K.adam(
            this.d,
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
    this.d.dummy.destroy();
    this.d.sink.destroy();
  }
}
