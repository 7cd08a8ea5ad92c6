// The open models and the analysis of their tensors. Holds file handles, never whole files:
// a tensor's bytes are read when it is analysed, decoded to float32, summarised and dropped.
import { decodeToFloat32 } from '../core/dtype.ts';
import type { TensorStats } from '../core/stats.ts';
import { type ModelInfo, totalBytes, totalParams } from '../formats/model.ts';
import { openModel } from '../formats/registry.ts';
import type { ByteSource } from '../formats/source.ts';
import type { AnalysisBackend, RunOptions } from './backend.ts';

export interface TensorRow {
  name: string;
  dtype: string;
  shape: number[];
  params: number;
  bytes: number;
}

export interface ModelSummary {
  id: string;
  format: string;
  file: string;
  fileBytes: number;
  params: number;
  bytes: number;
  metadata: Record<string, string>;
  tensors: TensorRow[];
}

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
  source: ByteSource;
}

export function summarizeModel(id: string, info: ModelInfo): ModelSummary {
  return {
    id,
    format: info.format,
    file: info.file,
    fileBytes: info.fileBytes,
    params: totalParams(info),
    bytes: totalBytes(info),
    metadata: info.metadata,
    tensors: info.tensors.map(({ name, dtype, shape, params, bytes }) => ({
      name,
      dtype,
      shape,
      params,
      bytes,
    })),
  };
}

export function createSession() {
  const models = new Map<string, OpenModel>();
  let next = 1;

  return {
    async open(source: ByteSource): Promise<ModelSummary> {
      const info = await openModel(source);
      const id = `m${next++}`;
      models.set(id, { info, source });
      return summarizeModel(id, info);
    },

    close(id: string): void {
      models.delete(id);
    },

    /** Reads one tensor and decodes it to float32 (memory: that tensor only). */
    async readTensor(modelId: string, name: string): Promise<Float32Array> {
      const m = models.get(modelId);
      if (!m) throw new Error(`model ${modelId} is not open`);
      const t = m.info.tensors.find((x) => x.name === name);
      if (!t) throw new Error(`${m.info.file}: no tensor named '${name}'`);
      const bytes = await m.source.read(t.offset, t.bytes);
      return decodeToFloat32(bytes, t.dtype, t.params, t.littleEndian);
    },

    async analyse(
      modelId: string,
      name: string,
      bins: number,
      backend: AnalysisBackend,
      opts: RunOptions = {},
    ): Promise<TensorAnalysis> {
      const t0 = performance.now();
      const x = await this.readTensor(modelId, name);
      opts.signal?.throwIfAborted();
      const info = models.get(modelId)!.info.tensors.find((t) => t.name === name)!;
      const s = await backend.summarize(x, bins, opts);
      return {
        modelId,
        tensor: name,
        dtype: info.dtype,
        shape: info.shape,
        backend: backend.kind,
        stats: s.stats,
        lo: s.binning.lo,
        hi: s.binning.hi,
        counts: s.counts,
        ms: performance.now() - t0,
      };
    },
  };
}

export type Session = ReturnType<typeof createSession>;
