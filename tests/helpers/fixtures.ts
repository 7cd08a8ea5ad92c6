// Loading the oracle fixtures (tests/fixtures/oracle, made by scripts/oracles/make_fixtures.py).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bytesSource, type ByteSource } from '../../src/formats/source.ts';

export { makeSafetensors } from './safetensors.ts';

export const ORACLE_DIR = fileURLToPath(new URL('../fixtures/oracle/', import.meta.url));

export interface Manifest {
  safetensors: Array<{
    file: string;
    metadata: Record<string, string>;
    tensors: Record<string, { shape: number[]; values: number[] }>;
  }>;
  npy: Array<{ file: string; shape: number[]; fortran: boolean; values: number[] }>;
  npz: { files: string[]; tensors: Record<string, { shape: number[]; values: number[] }> };
  quant_error: {
    x: number[];
    xhat: number[];
    range: [number, number];
    expected: Record<string, number>;
  };
  intquant: {
    x: number[];
    shape: number[];
    axis: number;
    cases: Array<{
      bits: 4 | 8;
      symmetric: boolean;
      scale: number[];
      zero_point: number[];
      codes: number[];
      dequantized: number[];
    }>;
  };
  sharded: { index: string; tensors: Record<string, { shape: number[]; values: number[] }> };
  gguf: Array<{
    file: string;
    version: number;
    tensors: Record<string, { type: string; shape: number[]; expected: string }>;
  }>;
  stats: Array<{
    name: string;
    x: Array<number | null> | null;
    file: string | null;
    nonfinite: { nan: number; posinf: number; neginf: number };
    bins: number;
    expected: {
      min: number | null;
      max: number | null;
      mean: number | null;
      std: number | null;
      kurtosis: number | null;
      zeros: number;
      counts: number[];
      edges: [number, number];
    };
  }>;
}

export function manifest(): Manifest {
  return JSON.parse(readFileSync(`${ORACLE_DIR}manifest.json`, 'utf8')) as Manifest;
}

export function oracleBytes(file: string): Uint8Array {
  return new Uint8Array(readFileSync(`${ORACLE_DIR}${file}`));
}

export function oracleSource(file: string): ByteSource {
  return bytesSource(file, oracleBytes(file));
}
