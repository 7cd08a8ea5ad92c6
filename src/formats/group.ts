// Opening several dropped files at once: a sharded safetensors index takes its shards, an ONNX model
// takes its external-data files, a Hugging Face folder's config.json (and its other JSON files) goes
// with the safetensors model beside it, and every other file opens on its own. Each bad file or
// incomplete group becomes a problem with a reason; the good ones still open.
import { FormatError, isFormatError } from './errors.ts';
import {
  COMPANIONS_KEY,
  hfArchitecture,
  hfArchitectureProblem,
  isHfCompanion,
  isHfConfig,
  readHfConfig,
} from './hf-config.ts';
import type { ModelInfo } from './model.ts';
import { openModel } from './registry.ts';
import { isShardIndex, parseShardIndex } from './safetensors-index.ts';
import type { ByteSource } from './source.ts';

export interface OpenedModel {
  info: ModelInfo;
  /** Every file the model reads from, by name (its own file first). */
  sources: Map<string, ByteSource>;
  /** A Hugging Face folder's companion files (its tokenizer.json …), by base name, lower case. */
  companions?: Map<string, ByteSource>;
}

interface GroupResult {
  models: OpenedModel[];
  problems: Array<{ file: string; message: string }>;
}

function message(e: unknown, file: string): string {
  return isFormatError(e) ? e.message : `${file}: ${(e as Error).message}`;
}

async function openSharded(
  index: ByteSource,
  byName: Map<string, ByteSource>,
  used: Set<string>,
): Promise<OpenedModel> {
  const idx = await parseShardIndex(index);
  // The shards belong to the index even when it fails: they are not models of their own.
  for (const s of idx.shards) if (byName.has(s)) used.add(s);
  const missing = idx.shards.filter((s) => !byName.has(s));
  if (missing.length) {
    throw new FormatError(
      index.name,
      'truncated',
      'shards',
      `missing ${missing.join(', ')}: drop every shard together with the index`,
    );
  }
  const sources = new Map<string, ByteSource>([[index.name, index]]);
  const tensors: ModelInfo['tensors'] = [];
  let fileBytes = index.size;
  for (const shard of idx.shards) {
    const src = byName.get(shard)!;
    used.add(shard);
    sources.set(shard, src);
    const m = await openModel(src);
    if (m.format !== 'safetensors')
      throw new FormatError(
        shard,
        'unknown-format',
        '',
        'is listed as a shard but is not safetensors',
      );
    fileBytes += src.size;
    for (const t of m.tensors) {
      if (idx.weightMap.get(t.name) !== shard) {
        throw new FormatError(
          index.name,
          'bad-header',
          `weight_map '${t.name}'`,
          `does not name ${shard}, which holds it`,
        );
      }
      tensors.push({ ...t, dataFile: shard });
    }
  }
  const found = new Set(tensors.map((t) => t.name));
  for (const [name, shard] of idx.weightMap) {
    if (!found.has(name)) {
      throw new FormatError(index.name, 'bad-header', `weight_map '${name}'`, `is not in ${shard}`);
    }
  }
  const info: ModelInfo = {
    format: 'safetensors',
    file: index.name,
    fileBytes,
    metadata: { ...idx.metadata, shards: String(idx.shards.length) },
    tensors,
  };
  return { info, sources };
}

function attachCompanions(
  info: ModelInfo,
  own: ByteSource,
  byName: Map<string, ByteSource>,
  used: Set<string>,
): OpenedModel {
  const sources = new Map<string, ByteSource>([[own.name, own]]);
  for (const t of info.tensors) {
    if (!t.dataFile) continue;
    const src = byName.get(t.dataFile);
    if (!src) {
      throw new FormatError(
        own.name,
        'truncated',
        `tensor '${t.name}'`,
        `its data is in '${t.dataFile}': drop that file together with the model`,
      );
    }
    if (t.offset + t.bytes > src.size) {
      throw new FormatError(
        t.dataFile,
        'truncated',
        `tensor '${t.name}'`,
        `data [${t.offset}, ${t.offset + t.bytes}) passes the end of the ${src.size}-byte file`,
      );
    }
    used.add(t.dataFile);
    sources.set(t.dataFile, src);
  }
  return { info, sources };
}

/** Files refer to each other by base name (an index names its shards, ONNX its data files). */
const baseName = (name: string) => name.replace(/^.*[\\/]/, '');
/** The folder part of a dropped file's name ('' for a file dropped on its own). */
const folderOf = (name: string) => name.slice(0, name.length - baseName(name).length);

/**
 * A Hugging Face folder's config.json and companion files, attached to the one safetensors model of
 * their folder: the configuration's fields go into its metadata (`hf.*`), the companions' names
 * under `companion files` and their sources in `companions`. A configuration without weights, or for an architecture Slimlab does not
 * run, is a problem that says what it found; the tensors open all the same.
 */
async function attachHfFiles(hf: readonly ByteSource[], out: GroupResult): Promise<void> {
  const fail = (file: string, msg: string) => out.problems.push({ file, message: msg });
  const modelsIn = (f: ByteSource) =>
    out.models.filter(
      (m) => m.info.format === 'safetensors' && folderOf(m.info.file) === folderOf(f.name),
    );
  for (const f of hf.filter((x) => isHfConfig(x.name))) {
    let fields: Record<string, string>;
    try {
      fields = await readHfConfig(f);
    } catch (e) {
      fail(f.name, message(e, f.name));
      continue;
    }
    const models = modelsIn(f);
    if (models.length !== 1) {
      const arch = hfArchitecture(fields);
      const what = arch ? `a configuration for ${arch}` : 'a configuration';
      fail(
        f.name,
        models.length
          ? `${f.name}: ${what}, dropped with ${models.length} safetensors models in its folder: Slimlab cannot tell which one it describes`
          : `${f.name}: ${what} without its weights: drop it together with the model's .safetensors files (and their index)`,
      );
      continue;
    }
    const m = models[0]!;
    m.info = { ...m.info, metadata: { ...m.info.metadata, ...fields } };
    const why = hfArchitectureProblem(fields);
    if (why) fail(f.name, why.replace(/^config\.json/, f.name));
  }
  for (const f of hf.filter((x) => isHfCompanion(x.name))) {
    const models = modelsIn(f);
    if (models.length === 1) {
      const m = models[0]!;
      const had = m.info.metadata[COMPANIONS_KEY];
      const list = had ? `${had}, ${baseName(f.name)}` : baseName(f.name);
      m.info = { ...m.info, metadata: { ...m.info.metadata, [COMPANIONS_KEY]: list } };
      // Kept with the model: the engine opens its tokenizer without the person choosing a file.
      (m.companions ??= new Map()).set(baseName(f.name).toLowerCase(), f);
    } else if (!hf.some((c) => isHfConfig(c.name) && folderOf(c.name) === folderOf(f.name))) {
      // With a config.json beside it, that file's message already says what is missing.
      fail(
        f.name,
        `${f.name}: a Hugging Face companion file, not weights: it travels with a model's .safetensors files`,
      );
    }
  }
}

export async function openGroup(files: readonly ByteSource[]): Promise<GroupResult> {
  const out: GroupResult = { models: [], problems: [] };
  const byName = new Map(files.map((f) => [baseName(f.name), f]));
  const used = new Set<string>();
  const fail = (file: string, e: unknown) => out.problems.push({ file, message: message(e, file) });
  const hf = files.filter((x) => isHfConfig(x.name) || isHfCompanion(x.name));
  for (const f of hf) used.add(baseName(f.name));

  for (const f of files.filter((x) => isShardIndex(x.name))) {
    used.add(baseName(f.name));
    try {
      out.models.push(await openSharded(f, byName, used));
    } catch (e) {
      fail(f.name, e);
    }
  }
  const pending: Array<{ src: ByteSource; info: ModelInfo | null }> = [];
  const companions = new Set<string>();
  for (const f of files) {
    if (used.has(baseName(f.name))) continue;
    try {
      const info = await openModel(f);
      pending.push({ src: f, info });
      for (const t of info.tensors) if (t.dataFile) companions.add(t.dataFile);
    } catch (e) {
      // A companion data file is not a model of its own: wait and see whether a model claims it.
      if (!(isFormatError(e) && e.code === 'unknown-format')) fail(f.name, e);
      else pending.push({ src: f, info: null });
    }
  }
  for (const { src, info } of pending) {
    if (info) {
      try {
        out.models.push(attachCompanions(info, src, byName, used));
      } catch (e) {
        fail(src.name, e);
      }
    } else if (!companions.has(baseName(src.name))) {
      fail(
        src.name,
        new FormatError(
          src.name,
          'unknown-format',
          '',
          'is not a recognised weights file (supported: .safetensors, .safetensors.index.json with its shards, .npy, .npz, .gguf, .onnx with its external data, a PyTorch checkpoint .bin/.pt/.pth/.ckpt, a llama2.c checkpoint .bin)',
        ),
      );
    }
  }
  await attachHfFiles(hf, out);
  return out;
}
