// KV-cache memory for a decoder transformer, and what PagedAttention's blocks save over contiguous
// pre-allocation (Kwon et al., vLLM, 2023): memory per token, the waste of each scheme on a set of
// sequences, and how many sequences fit in a memory budget.

interface KvConfig {
  layers: number;
  /** Key/value heads (fewer than query heads with grouped-query attention). */
  kvHeads: number;
  headDim: number;
  /** Bytes per cached value: 2 for fp16 / bf16, 1 for int8 or fp8. */
  bytesPerValue: number;
}

/** Keys and values of every layer for one token. */
export function bytesPerToken(c: KvConfig): number {
  return 2 * c.layers * c.kvHeads * c.headDim * c.bytesPerValue;
}

interface CacheUse {
  /** Bytes holding real tokens, and bytes reserved in all. */
  used: number;
  reserved: number;
  /** 1 − used / reserved. */
  waste: number;
}

/** Contiguous: every sequence reserves room for `maxLen` tokens up front. */
export function contiguousUse(lengths: readonly number[], maxLen: number, c: KvConfig): CacheUse {
  const t = bytesPerToken(c);
  const used = lengths.reduce((a, l) => a + Math.min(l, maxLen), 0) * t;
  const reserved = lengths.length * maxLen * t;
  return { used, reserved, waste: reserved ? 1 - used / reserved : 0 };
}

/** Paged: each sequence holds ceil(length / block) blocks of `block` tokens. */
export function pagedUse(lengths: readonly number[], block: number, c: KvConfig): CacheUse {
  const t = bytesPerToken(c);
  const used = lengths.reduce((a, l) => a + l, 0) * t;
  const reserved = lengths.reduce((a, l) => a + Math.ceil(l / block) * block, 0) * t;
  return { used, reserved, waste: reserved ? 1 - used / reserved : 0 };
}

/**
 * How many of the sequences (taken in order) fit in `budget` bytes: contiguously, each takes maxLen
 * tokens; paged, each takes its own blocks.
 */
export function sequencesThatFit(
  lengths: readonly number[],
  budget: number,
  c: KvConfig,
  scheme: { kind: 'contiguous'; maxLen: number } | { kind: 'paged'; block: number },
): number {
  const t = bytesPerToken(c);
  let left = budget;
  let n = 0;
  for (const l of lengths) {
    const need =
      scheme.kind === 'contiguous'
        ? scheme.maxLen * t
        : Math.ceil(l / scheme.block) * scheme.block * t;
    if (need > left) break;
    left -= need;
    n++;
  }
  return n;
}
