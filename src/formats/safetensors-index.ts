// Sharded safetensors: `*.safetensors.index.json` maps each tensor to the shard file holding it
// (the layout transformers and huggingface_hub write). The shards are ordinary safetensors files.
import { FormatError } from './errors.ts';
import type { ByteSource } from './source.ts';

/** An index file is small; anything bigger than this is not one. */
const MAX_INDEX_BYTES = 64 << 20;

interface ShardIndex {
  metadata: Record<string, string>;
  /** tensor name → shard file name */
  weightMap: Map<string, string>;
  shards: string[];
}

export function isShardIndex(name: string): boolean {
  return /\.safetensors\.index\.json$/i.test(name);
}

export async function parseShardIndex(src: ByteSource): Promise<ShardIndex> {
  const file = src.name;
  if (src.size > MAX_INDEX_BYTES) {
    throw new FormatError(
      file,
      'header-too-large',
      'index',
      `${src.size} bytes exceeds the ${MAX_INDEX_BYTES}-byte cap`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(await src.read(0, src.size)),
    );
  } catch (e) {
    throw new FormatError(file, 'bad-header', 'index', `is not JSON (${(e as Error).message})`);
  }
  const map = (json as { weight_map?: unknown }).weight_map;
  if (typeof map !== 'object' || map === null || Array.isArray(map)) {
    throw new FormatError(file, 'bad-header', 'weight_map', 'is missing or not an object');
  }
  const weightMap = new Map<string, string>();
  for (const [k, v] of Object.entries(map)) {
    if (typeof v !== 'string')
      throw new FormatError(file, 'bad-header', `weight_map '${k}'`, 'is not a file name');
    weightMap.set(k, v.replace(/^.*[\\/]/, ''));
  }
  const metadata: Record<string, string> = {};
  const meta = (json as { metadata?: unknown }).metadata;
  if (meta && typeof meta === 'object') {
    for (const [k, v] of Object.entries(meta))
      metadata[k] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  return { metadata, weightMap, shards: [...new Set(weightMap.values())].sort() };
}
