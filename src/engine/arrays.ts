// Work on single arrays of an open file (a .npy of activations, codes or scales): the threshold a
// calibration method picks for a set of activations, and ONNX QuantizeLinear / DequantizeLinear
// written as .npy, for checking against other implementations from a shell.
import type { ElementDType } from '../core/base/dtype.ts';
import { calibrate, errorAtThreshold, parseMethod } from '../core/calib/calibrate.ts';
import {
  dequantizeLinear,
  INT_TYPES,
  isQType,
  quantizeLinear,
  type QType,
} from '../core/quant/quantize-linear.ts';
import { writeNpy } from '../formats/write/npy.ts';
import type { OutFile } from '../formats/write/types.ts';
import type { Session } from './session.ts';

/** Between steps: lets a cancel in (and reports progress). */
type Tick = (fraction: number) => Promise<void>;

/** One tensor of an open model. */
export interface TensorRef {
  modelId: string;
  tensor: string;
}

/** Reads a calibration method ('minmax', 'ema:M', 'percentile:P', 'mse', 'kl[:BINS:LEVELS]'). */
export function checkCalibrationMethod(text: string): void {
  parseMethod(text);
}

export interface CalibrationJson {
  method: string;
  threshold: number;
  scale: number;
  zero_point: number;
  signed: boolean;
  clip_mse: number;
  round_mse: number;
  warning: string | null;
}

async function values(session: Session, r: TensorRef) {
  // A copy: the session's read buffer is reused by the next read.
  return session.withTensor(r.modelId, r.tensor, async (x, t) => ({
    x: x.slice(),
    shape: t.shape,
  }));
}

/**
 * The threshold `methodText` picks for the activations (the first axis is the batch axis: EMA goes
 * `batch` rows at a time), its scale and zero point, and the clipping / rounding error at `bits`.
 */
export async function calibrateActivations(
  session: Session,
  input: TensorRef,
  methodText: string,
  bits: number,
  batch: number,
  tick: Tick = async () => {},
): Promise<CalibrationJson> {
  const method = parseMethod(methodText);
  const { x, shape } = await values(session, input);
  await tick(1 / 3);
  const rows = shape.length >= 1 ? shape[0]! : 1;
  const perRow = rows > 0 ? x.length / rows : 0;
  const batches: Float32Array[] = [];
  for (let r = 0; r < rows; r += batch)
    batches.push(x.subarray(r * perRow, Math.min(rows, r + batch) * perRow));
  const c = calibrate(batches.length ? batches : [x], method, bits);
  await tick(2 / 3);
  const e = errorAtThreshold(x, c.threshold, bits, c.signed);
  return {
    method: methodText,
    threshold: c.threshold,
    scale: c.scale,
    zero_point: c.zeroPoint,
    signed: c.signed,
    clip_mse: e.clipMse,
    round_mse: e.roundMse,
    warning: c.warning,
  };
}

export interface LinearQdq {
  op: 'quantize' | 'dequantize';
  x: TensorRef;
  scale: TensorRef;
  zeroPoint: TensorRef | null;
  /** ONNX default 1; negative counts from the end. */
  axis: number;
  /** 0: per tensor or per axis; else blocked. */
  blockSize: number;
  saturate: boolean;
  /** The code type of QuantizeLinear (one of QLINEAR_TYPES). */
  dtype?: string | undefined;
}

/** The code types of QuantizeLinear. */
export const QLINEAR_TYPES = [
  ...(Object.keys(INT_TYPES) as QType[]),
  'fp8e4m3fn',
  'fp8e5m2',
  'fp4e2m1',
] as const satisfies readonly QType[];

/** The smallest numpy dtype that holds the codes of `type` (float codes as float32 values). */
function codeDtype(type: QType): ElementDType {
  if (!(type in INT_TYPES)) return 'F32';
  if (type === 'int16') return 'I16';
  if (type === 'uint16') return 'U16';
  return type.startsWith('u') ? 'U8' : 'I8';
}

function npy(values: ArrayLike<number>, shape: number[], dtype: ElementDType): OutFile {
  const Ctor = {
    I8: Int8Array,
    U8: Uint8Array,
    I16: Int16Array,
    U16: Uint16Array,
    F32: Float32Array,
  }[dtype as 'I8'];
  const a = Ctor.from(values);
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  return writeNpy({ name: 'y', dtype, shape, bytes: bytes.length, data: async () => bytes });
}

/** QuantizeLinear (codes in the smallest numpy integer dtype) or DequantizeLinear, as a .npy. */
export async function linearQdq(
  session: Session,
  a: LinearQdq,
  tick: Tick = async () => {},
): Promise<OutFile> {
  const x = await values(session, a.x);
  const scale = await values(session, a.scale);
  const zp = a.zeroPoint ? await values(session, a.zeroPoint) : null;
  await tick(0.5);
  const o = { axis: a.axis, blockSize: a.blockSize, saturate: a.saturate };
  if (a.op === 'dequantize') {
    const y = dequantizeLinear(x.x, x.shape, scale.x, scale.shape, zp?.x ?? null, o);
    return npy(y, x.shape, 'F32');
  }
  if (!a.dtype || !isQType(a.dtype))
    throw new Error(`QuantizeLinear takes one of ${QLINEAR_TYPES.join(', ')}, not '${a.dtype}'`);
  const y = quantizeLinear(x.x, x.shape, scale.x, scale.shape, zp?.x ?? null, a.dtype, o);
  return npy(y, x.shape, codeDtype(a.dtype));
}
