// What a view of an open model starts from, shared by the tab and the CLI: its summary, the tensor
// shown first (the largest), the histogram's bin limit, and the byte source a file is read through.
import {
  type ModelInfo,
  type TensorRow,
  tensorRow,
  totalBytes,
  totalParams,
} from '../formats/model.ts';
import { detectArchitecture } from '../models/zoo.ts';
import { hfArchitecture, lmConfigOf } from '../formats/hf-config.ts';

export { MAX_BINS } from '../core/stats/histogram.ts';
export type { ByteSource } from '../formats/source.ts';

/** The tensor a model opens on: the one with the most parameters (the first of equals). */
export function largestTensor<T extends Pick<TensorRow, 'params'>>(
  tensors: readonly T[],
): T | undefined {
  let best: T | undefined;
  for (const t of tensors) if (!best || t.params > best.params) best = t;
  return best;
}

export interface ModelSummary {
  id: string;
  /** A demo architecture Slimlab can run (and evaluate), when the tensors implement one. */
  architecture: string | null;
  /**
   * The architecture of the language model the engine runs it as ('llama' for a llama2.c
   * checkpoint, config.json's for a Hugging Face folder, general.architecture for a GGUF), or null
   * when it is not one (or describes one Slimlab cannot run: the language model jobs say why).
   */
  languageModel: string | null;
  format: string;
  file: string;
  fileBytes: number;
  params: number;
  bytes: number;
  metadata: Record<string, string>;
  tensors: TensorRow[];
  /** The tensor a view of the model opens on (the largest), if it has any. */
  first: string | null;
}

export function summarizeModel(id: string, info: ModelInfo): ModelSummary {
  return {
    id,
    architecture: detectArchitecture(
      info.metadata,
      new Map(info.tensors.map((t) => [t.name, t.shape])),
    ),
    languageModel: languageModelOf(info),
    format: info.format,
    file: info.file,
    fileBytes: info.fileBytes,
    params: totalParams(info),
    bytes: totalBytes(info),
    metadata: info.metadata,
    tensors: info.tensors.map(tensorRow),
    first: largestTensor(info.tensors)?.name ?? null,
  };
}

function languageModelOf(info: ModelInfo): string | null {
  try {
    if (!lmConfigOf(info.metadata, info.tensors)) return null;
  } catch {
    return null;
  }
  return info.metadata['general.architecture'] ?? (hfArchitecture(info.metadata) || 'llama');
}
