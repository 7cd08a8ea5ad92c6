// The registry of kernels: every shader in shaders/** by file stem, with the path of its WGSL, its
// wrapper's encode function and its CPU twin (tests/unit/kernel-registry.test.ts keeps it complete).
import { kernel as adam } from './adam.ts';
import { kernel as attention } from './attention.ts';
import { kernel as centralMoments } from './central_moments.ts';
import { kernel as colsum } from './colsum.ts';
import { kernel as crossEntropy } from './cross_entropy.ts';
import { kernel as csrMatmul } from './csr_matmul.ts';
import { kernel as elementwise } from './elementwise.ts';
import { kernel as flashAttention } from './flash_attention.ts';
import { kernel as gather } from './gather.ts';
import { kernel as gqaAttention } from './gqa_attention.ts';
import { kernel as histogram } from './histogram.ts';
import { kernel as im2col } from './im2col.ts';
import { kernel as int8Matmul } from './int8_matmul.ts';
import { kernel as int8MatmulDot4 } from './int8_matmul_dot4.ts';
import { kernel as layernorm } from './layernorm.ts';
import { kernel as linear } from './linear.ts';
import { kernel as linearDirect } from './linear_direct.ts';
import { kernel as matmul } from './matmul.ts';
import { kernel as matmulBlocked } from './matmul_blocked.ts';
import { kernel as matvec } from './matvec.ts';
import { kernel as maxpool } from './maxpool.ts';
import { kernel as meanTokens } from './mean_tokens.ts';
import { kernel as naiveAttention } from './naive_attention.ts';
import { kernel as quantInt } from './quant_int.ts';
import { kernel as reduceStats } from './reduce_stats.ts';
import { kernel as rmsNorm } from './rms_norm.ts';
import { kernel as rope } from './rope.ts';
import { kernel as sparse24Matmul } from './sparse24_matmul.ts';
import { kernel as swiglu } from './swiglu.ts';
import { kernel as transpose } from './transpose.ts';
import type { KernelRecord } from '../kernel.ts';

export type { KernelRecord };

export const KERNELS: Readonly<Record<string, KernelRecord>> = Object.fromEntries(
  [
    adam,
    attention,
    centralMoments,
    colsum,
    crossEntropy,
    csrMatmul,
    elementwise,
    flashAttention,
    gather,
    gqaAttention,
    histogram,
    im2col,
    int8Matmul,
    int8MatmulDot4,
    layernorm,
    linear,
    linearDirect,
    matmul,
    matmulBlocked,
    matvec,
    maxpool,
    meanTokens,
    naiveAttention,
    quantInt,
    reduceStats,
    rmsNorm,
    rope,
    sparse24Matmul,
    swiglu,
    transpose,
  ].map((k) => [k.stem, k]),
);
