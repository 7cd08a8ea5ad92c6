// The open models and the analysis of their tensors. Holds file handles, never whole files:
// a tensor's bytes are read when it is analysed, decoded to float32, summarised and dropped.
import type { TensorStats } from '../core/stats/stats.ts';
import { fileBytes, type ModelInfo, type TensorInfo, isFloatTensor } from '../formats/model.ts';
import { openGroup } from '../formats/group.ts';
import { summarizeModel, type ModelSummary } from './model-view.ts';
import type { ByteSource } from '../formats/source.ts';
import { readTensorF32, type Scratch } from '../formats/tensor-data.ts';
import { cpuBackend, type AnalysisBackend, type RunOptions } from './backend.ts';
import { exportModel, type ExportOptions } from './export.ts';
import {
  checkpoint,
  compareAll,
  COMPARE_SAMPLE,
  fitSpec,
  quantizeCpu,
  sampleRows,
  planLineup,
  llmInt8Report,
  quantizeOn,
  type Comparison,
  type Int8Report,
  type QuantReport,
  type QuantSpec,
} from './quantize.ts';
import { quantize } from '../core/quant/quant.ts';
import type { PlanTensor } from '../core/quant/planner.ts';
import { netFor } from '../models/zoo.ts';
import { netParams } from '../core/nn/network.ts';
import type { OutFile } from '../formats/write/types.ts';

export interface TensorAnalysis {
  modelId: string;
  tensor: string;
  dtype: string;
  shape: number[];
  backend: 'webgpu' | 'cpu';
  stats: TensorStats;
  lo: number;
  hi: number;
  counts: Uint32Array;
  ms: number;
}

interface OpenModel {
  info: ModelInfo;
  /** The model's files by name: its own, and shards or external-data companions. */
  sources: Map<string, ByteSource>;
  /** A Hugging Face folder's other files (tokenizer.json …), by base name in lower case. */
  companions?: Map<string, ByteSource> | undefined;
}

export interface SensitivityRow {
  name: string;
  params: number;
  /** Bytes as stored now, and quantized at bitsPerWeight. */
  bytes: number;
  bytesAfter: number;
  bitsPerWeight: number;
  mse: number;
  sqnrDb: number;
  clipped: number;
  /** Part of the model's total squared error, 0..1. */
  share: number;
}

export interface OpenOutcome {
  models: ModelSummary[];
  problems: Array<{ file: string; message: string }>;
}

/** Below this many values a whole-model pass quantizes a tensor on the CPU even when WebGPU is on. */
export const GPU_MIN_PARAMS = 1 << 18;

/** Values a quantization preview is computed on. */
export const PREVIEW_SAMPLE = 1 << 18;

export function createSession() {
  const openModels = new Map<string, OpenModel>();
  let next = 1;
  // One buffer, grown to the largest tensor analysed, reused for every read: a new 256 MB buffer per
  // tensor would leave the previous one to the garbage collector and double the peak. A second
  // analysis while one runs (a cancelled one still draining) gets fresh memory instead.
  const scratch: Scratch = { buffer: new ArrayBuffer(0) };
  // What is worth keeping while a model is open (its SVDs, its weights as a language model).
  const memos = new Map<string, Map<string, unknown>>();
  let scratchBusy = false;
  // The sample of the last tensor compared or previewed (at most COMPARE_SAMPLE values; previews
  // use every fourth of its rows or so, PREVIEW_SAMPLE values, to answer within a frame or two).
  let sample: { key: string; x: Float32Array; shape: number[]; of: number } | null = null;

  return {
    /** Opens dropped files as models (shards and companions grouped); bad files become problems. */
    async openFiles(files: readonly ByteSource[]): Promise<OpenOutcome> {
      const r = await openGroup(files);
      const models = r.models.map(({ info, sources, companions }) => {
        const id = `m${next++}`;
        openModels.set(id, { info, sources, companions });
        return summarizeModel(id, info);
      });
      return { models, problems: r.problems };
    },

    /** Opens one file as a model; throws FormatError when it is not one. */
    async open(source: ByteSource): Promise<ModelSummary> {
      const r = await this.openFiles([source]);
      if (r.problems.length || !r.models[0])
        throw new Error(r.problems[0]?.message ?? `${source.name}: no model`);
      return r.models[0];
    },

    /** The model written in another format or compressed, as a stream of chunks. */
    export(modelId: string, options: ExportOptions): OutFile {
      const m = openModels.get(modelId);
      if (!m) throw new Error(`model ${modelId} is not open`);
      return exportModel(m, options);
    },

    close(id: string): void {
      openModels.delete(id);
      memos.delete(id);
      if (sample?.key.startsWith(`${id}/`)) sample = null;
      // With nothing open, the read buffer (as big as the largest tensor seen) goes too.
      if (openModels.size === 0 && !scratchBusy) scratch.buffer = new ArrayBuffer(0);
    },

    /**
     * One of a model's files: its own (no name), or a companion that came with it by base name
     * (a Hugging Face folder's tokenizer.json); undefined when it has no such file.
     */
    modelFile(modelId: string, name?: string): ByteSource | undefined {
      const m = openModels.get(modelId);
      if (!m) throw new Error(`model ${modelId} is not open`);
      return name === undefined
        ? m.sources.get(m.info.file)
        : m.companions?.get(name.toLowerCase());
    },

    /** Reads one tensor and decodes it to float32 (memory: that tensor only). */
    async readTensor(modelId: string, name: string): Promise<Float32Array> {
      const m = openModels.get(modelId);
      if (!m) throw new Error(`model ${modelId} is not open`);
      const t = m.info.tensors.find((x) => x.name === name);
      if (!t) throw new Error(`${m.info.file}: no tensor named '${name}'`);
      return readTensorF32(m.sources.get(t.dataFile ?? m.info.file)!, t);
    },

    /**
     * Runs `work` on one tensor's values, read into the shared buffer when it is free. The values
     * are valid only during `work`: nothing may keep them.
     */
    async withTensor<T>(
      modelId: string,
      name: string,
      work: (x: Float32Array, t: TensorInfo) => Promise<T>,
    ): Promise<T> {
      const m = openModels.get(modelId);
      if (!m) throw new Error(`model ${modelId} is not open`);
      const t = m.info.tensors.find((x) => x.name === name);
      if (!t) throw new Error(`${m.info.file}: no tensor named '${name}'`);
      const source = m.sources.get(t.dataFile ?? m.info.file)!;
      // Only reads that land in place use the scratch (not inflated .npz entries or quantized parts).
      const own = !scratchBusy && source.readInto !== undefined && !t.zipEntry && !t.quant;
      if (own) {
        scratchBusy = true;
        if (scratch.buffer.byteLength < fileBytes(t))
          scratch.buffer = new ArrayBuffer(fileBytes(t));
      }
      try {
        return await work(await readTensorF32(source, t, own ? scratch : undefined), t);
      } finally {
        if (own) scratchBusy = false;
      }
    },

    analyse(
      modelId: string,
      name: string,
      bins: number,
      backend: AnalysisBackend,
      opts: RunOptions = {},
    ): Promise<TensorAnalysis> {
      const t0 = performance.now();
      return this.withTensor(modelId, name, async (x, t) => {
        opts.signal?.throwIfAborted();
        const s = await backend.summarize(x, bins, opts);
        return {
          modelId,
          tensor: name,
          dtype: t.dtype,
          shape: t.shape,
          backend: backend.kind,
          stats: s.stats,
          lo: s.binning.lo,
          hi: s.binning.hi,
          counts: s.counts,
          ms: performance.now() - t0,
        };
      });
    },

    /** The float weights of rank ≥ 2: what the whole-model tools quantize. */
    weights(modelId: string): TensorInfo[] {
      const m = openModels.get(modelId);
      if (!m) throw new Error(`model ${modelId} is not open`);
      return m.info.tensors.filter((t) => t.shape.length >= 2 && t.params > 0 && isFloatTensor(t));
    },

    /**
     * The spec applied to every weight (or those whose name contains `filter`), one tensor at a time:
     * which layers lose the most. `share` is each tensor's part of the total squared error.
     */
    async sensitivity(
      modelId: string,
      spec: QuantSpec,
      opts: RunOptions & { filter?: string; backend?: AnalysisBackend } = {},
    ): Promise<SensitivityRow[]> {
      const weights = this.weights(modelId).filter(
        (t) => !opts.filter || t.name.includes(opts.filter),
      );
      const rows: SensitivityRow[] = [];
      for (const [i, t] of weights.entries()) {
        opts.signal?.throwIfAborted();
        // Small tensors cost the GPU more in dispatch and read-back than they save: the CPU does them.
        const backend = t.params >= GPU_MIN_PARAMS ? opts.backend : undefined;
        const r = await this.quantize(modelId, t.name, spec, backend);
        rows.push({
          name: t.name,
          params: t.params,
          bytes: t.bytes,
          bytesAfter: r.bytesAfter,
          bitsPerWeight: r.bitsPerWeight,
          mse: r.error.mse,
          sqnrDb: r.error.sqnrDb,
          clipped: r.error.clipped,
          share: r.error.count ? r.error.mse * r.error.count : 0,
        });
        opts.onProgress?.((i + 1) / weights.length);
        // Let a cancel message in between tensors.
        await new Promise((res) => setTimeout(res, 0));
      }
      const total = rows.reduce((a, r) => a + (Number.isFinite(r.share) ? r.share : 0), 0);
      for (const r of rows) r.share = total > 0 && Number.isFinite(r.share) ? r.share / total : 0;
      return rows;
    },

    /** Each weight under each candidate: sizes and total squared errors for the planner. */
    async planOptions(
      modelId: string,
      spec: QuantSpec,
      opts: RunOptions = {},
    ): Promise<PlanTensor[]> {
      const candidates = planLineup(spec);
      const weights = this.weights(modelId);
      const out: PlanTensor[] = [];
      for (const [i, t] of weights.entries()) {
        const options = await this.withTensor(modelId, t.name, async (x) => {
          const rows: PlanTensor['options'] = [];
          for (const { label, spec } of candidates) {
            await checkpoint(opts.signal);
            const q = quantize(x, t.shape, fitSpec(spec, t.shape).spec, { dequantized: false });
            rows.push({
              label,
              bytes: Math.ceil((t.params * q.bitsPerWeight) / 8),
              // A tensor with no finite value adds no error (NaN would make every plan fail).
              sse: q.error.count ? q.error.mse * q.error.count : 0,
            });
          }
          return rows;
        });
        out.push({ name: t.name, options });
        opts.onProgress?.((i + 1) / weights.length);
      }
      return out;
    },

    /** What a quantization spec does to one tensor (on the CPU reference path by default). */
    quantize(
      modelId: string,
      name: string,
      spec: QuantSpec,
      backend: AnalysisBackend = cpuBackend(),
      opts: RunOptions = {},
    ): Promise<QuantReport> {
      return this.withTensor(modelId, name, (x, t) => quantizeOn(backend, x, t.shape, spec, opts));
    },

    /** Other formats, bit widths and clipping thresholds side by side on one tensor. */
    compare(
      modelId: string,
      name: string,
      spec: QuantSpec,
      opts: RunOptions = {},
    ): Promise<Comparison> {
      return this.sampleOf(modelId, name).then(async (s) => ({
        ...(await compareAll(s.x, s.shape, spec, opts.signal)),
        sampled: s.x.length < s.of ? { values: s.x.length, of: s.of } : null,
      }));
    },

    /**
     * Evenly spaced rows of a tensor (at most COMPARE_SAMPLE values; the tensor itself when smaller),
     * kept for the last tensor asked for: the comparison and the previews of a large tensor read
     * the file once, then answer from memory.
     */
    async sampleOf(
      modelId: string,
      name: string,
    ): Promise<{ x: Float32Array; shape: number[]; of: number }> {
      const key = `${modelId}/${name}`;
      if (sample?.key === key) return sample;
      return this.withTensor(modelId, name, async (x, t) => {
        const s = sampleRows(x, t.shape, COMPARE_SAMPLE);
        // Unsampled, s.x is the read buffer itself, which the next read reuses.
        sample = { key, x: s.x === x ? x.slice() : s.x, shape: s.shape, of: x.length };
        return sample;
      });
    },

    /** A first answer for a large tensor: the spec on part of its sample, on the CPU. */
    async quantizePreview(modelId: string, name: string, spec: QuantSpec): Promise<QuantReport> {
      const s = await this.sampleOf(modelId, name);
      const p = sampleRows(s.x, s.shape, PREVIEW_SAMPLE);
      const r = quantizeCpu(p.x, p.shape, spec);
      return p.x.length < s.of ? { ...r, preview: { values: p.x.length, of: s.of } } : r;
    },

    /** A demo model's architecture and parameters (all read: demo models are small). */
    async runnable(modelId: string) {
      const m = openModels.get(modelId);
      if (!m) throw new Error(`model ${modelId} is not open`);
      const arch = summarizeModel(modelId, m.info).architecture;
      if (!arch) throw new Error(`${m.info.file}: not a model Slimlab can run`);
      const net = netFor(arch);
      const params: Record<string, Float32Array> = {};
      for (const [name] of netParams(net)) params[name] = await this.readTensor(modelId, name);
      return { arch, net, params };
    },

    /** The summary of an open model: its format, tensors and metadata. */
    summary(modelId: string): ModelSummary {
      const m = openModels.get(modelId);
      if (!m) throw new Error(`model ${modelId} is not open`);
      return summarizeModel(modelId, m.info);
    },

    /** A value made once per open model and `key`, kept until the model is closed. */
    memo<T>(modelId: string, key: string, make: () => T): T {
      let m = memos.get(modelId);
      if (!m) memos.set(modelId, (m = new Map()));
      if (!m.has(key)) {
        const v = make();
        m.set(key, v);
        // A load that fails is not kept: the next call tries again.
        if (v instanceof Promise) v.catch(() => m.get(key) === v && m.delete(key));
      }
      return m.get(key) as T;
    },

    /** LLM.int8() decomposition of one tensor. */
    llmInt8(
      modelId: string,
      name: string,
      threshold: number,
      opts: RunOptions = {},
    ): Promise<Int8Report> {
      return this.withTensor(modelId, name, async (x, t) => {
        opts.signal?.throwIfAborted();
        return llmInt8Report(x, t.shape, threshold, opts.signal);
      });
    },
  };
}

export type Session = ReturnType<typeof createSession>;
