// Hardware profiles for the latency model: peak arithmetic rates and memory bandwidth, each number
// with its source, and what is (and is not) reachable natively or from WebGPU in a browser.
//
// "derived" numbers are computed from published unit counts and clocks with the formula given in
// their source; treat them as order-of-magnitude anchors, not measurements.

interface Sourced {
  value: number;
  source: string;
}

export interface HardwareProfile {
  id: string;
  name: string;
  kind: 'gpu' | 'cpu';
  /** Dense peak rates in TFLOPS / TOPS (null: no such unit). */
  fp32: Sourced;
  /** FP16 on matrix units (tensor cores); null where there are none. */
  fp16Matrix: Sourced | null;
  /** INT8 on matrix units or dot-product instructions natively; null where there are none. */
  int8: Sourced | null;
  /** 2:4 sparse matrix units (the sparse peaks double the dense ones). */
  sparse24: boolean;
  bandwidthGBs: Sourced;
  /**
   * What WebGPU can reach: no tensor cores from WGSL; int8 only through packed_4x8 dot products,
   * lowered to native DP4A on D3D12 / Vulkan, emulated on Metal. `dp4aOverFp32` is the DP4A rate
   * relative to FP32 where a source gives it (else int8 is assumed no faster than fp32).
   */
  webgpu: { available: boolean; dp4aOverFp32: Sourced | null; note: string };
  /** Fractions of peak a tuned kernel reaches, and the fixed cost of one kernel launch / pass. */
  efficiency: {
    nativeCompute: number;
    nativeMemory: number;
    webgpuCompute: number;
    webgpuMemory: number;
    nativeLaunchUs: number;
    webgpuPassUs: number;
  };
}

const NV = (url: string) => `NVIDIA datasheet (${url})`;
const GPU_EFF = {
  nativeCompute: 0.7,
  nativeMemory: 0.85,
  webgpuCompute: 0.45,
  webgpuMemory: 0.75,
  nativeLaunchUs: 5,
  webgpuPassUs: 30,
};
const CPU_EFF = {
  nativeCompute: 0.6,
  nativeMemory: 0.7,
  webgpuCompute: 0.05,
  webgpuMemory: 0.3,
  nativeLaunchUs: 1,
  webgpuPassUs: 30,
};
const DP4A_UNKNOWN = {
  available: true,
  dp4aOverFp32: null,
  note: 'DP4A reachable through packed_4x8_integer_dot_product on D3D12 / Vulkan; its rate on this GPU is not published, so int8 is modelled at the fp32 rate',
};

/** The profiles, with their sources. Efficiency defaults: ../shared KERNELS.md roofline recipe. */
export const PROFILES: readonly HardwareProfile[] = [
  {
    id: 'a10',
    name: 'NVIDIA A10',
    kind: 'gpu',
    fp32: { value: 31.2, source: NV('nvidia.com/en-us/data-center/products/a10-gpu') },
    fp16Matrix: { value: 125, source: NV('A10: 125 TFLOPS dense FP16 tensor, 250 with sparsity') },
    int8: { value: 250, source: NV('A10: 250 TOPS dense INT8, 500 with sparsity') },
    sparse24: true,
    bandwidthGBs: { value: 600, source: NV('A10: 600 GB/s GDDR6') },
    webgpu: DP4A_UNKNOWN,
    efficiency: GPU_EFF,
  },
  {
    id: 'a100',
    name: 'NVIDIA A100 SXM 80 GB',
    kind: 'gpu',
    fp32: { value: 19.5, source: NV('nvidia.com/en-us/data-center/a100') },
    fp16Matrix: { value: 312, source: NV('A100: 312 TFLOPS dense FP16 tensor, 624 sparse') },
    int8: { value: 624, source: NV('A100: 624 TOPS dense INT8, 1248 sparse') },
    sparse24: true,
    bandwidthGBs: { value: 2039, source: NV('A100 80 GB SXM: 2,039 GB/s HBM2e') },
    webgpu: DP4A_UNKNOWN,
    efficiency: GPU_EFF,
  },
  {
    id: 'h100',
    name: 'NVIDIA H100 SXM',
    kind: 'gpu',
    fp32: { value: 66.9, source: NV('nvidia.com/en-us/data-center/h100') },
    fp16Matrix: { value: 989, source: NV('H100 SXM: 989 TFLOPS dense FP16 tensor, 1,979 sparse') },
    int8: { value: 1979, source: NV('H100 SXM: 1,979 TOPS dense INT8, 3,958 sparse') },
    sparse24: true,
    bandwidthGBs: { value: 3350, source: NV('H100 SXM: 3.35 TB/s HBM3') },
    webgpu: DP4A_UNKNOWN,
    efficiency: GPU_EFF,
  },
  {
    id: 'l4',
    name: 'NVIDIA L4',
    kind: 'gpu',
    fp32: { value: 30.3, source: NV('nvidia.com/en-us/data-center/l4') },
    fp16Matrix: { value: 121, source: NV('L4: 242 TFLOPS FP16 tensor with sparsity, half dense') },
    int8: { value: 242.5, source: NV('L4: 485 TOPS INT8 with sparsity, half dense') },
    sparse24: true,
    bandwidthGBs: { value: 300, source: NV('L4: 300 GB/s GDDR6') },
    webgpu: DP4A_UNKNOWN,
    efficiency: GPU_EFF,
  },
  {
    id: 't4',
    name: 'NVIDIA T4',
    kind: 'gpu',
    fp32: { value: 8.1, source: NV('nvidia.com/en-us/data-center/tesla-t4') },
    fp16Matrix: { value: 65, source: NV('T4: 65 TFLOPS mixed-precision FP16/FP32 tensor') },
    int8: { value: 130, source: NV('T4: 130 TOPS INT8 tensor') },
    sparse24: false,
    bandwidthGBs: { value: 320, source: NV('T4: 320 GB/s GDDR6') },
    webgpu: DP4A_UNKNOWN,
    efficiency: GPU_EFF,
  },
  {
    id: 'rtx4090',
    name: 'NVIDIA RTX 4090',
    kind: 'gpu',
    fp32: { value: 82.6, source: NV('Ada Lovelace architecture whitepaper, RTX 4090') },
    fp16Matrix: {
      value: 165,
      source: NV('Ada whitepaper: 165 TFLOPS FP16 tensor with FP32 accumulate, 330 sparse'),
    },
    int8: { value: 661, source: NV('Ada whitepaper: 661 TOPS INT8 tensor, 1,321 sparse') },
    sparse24: true,
    bandwidthGBs: { value: 1008, source: NV('RTX 4090: 1,008 GB/s GDDR6X') },
    webgpu: DP4A_UNKNOWN,
    efficiency: GPU_EFF,
  },
  {
    id: 'm2',
    name: 'Apple M2 (10-core GPU)',
    kind: 'gpu',
    fp32: {
      value: 3.6,
      source: 'Apple M2 announcement (apple.com/newsroom, June 2022): 3.6 TFLOPS',
    },
    fp16Matrix: null,
    int8: null,
    sparse24: false,
    bandwidthGBs: { value: 100, source: 'Apple M2 announcement: 100 GB/s unified memory' },
    webgpu: {
      available: true,
      dp4aOverFp32: null,
      note: 'Metal has no int8 dot product: packed_4x8 is emulated, so int8 saves bytes but no arithmetic',
    },
    efficiency: GPU_EFF,
  },
  {
    id: 'm3max',
    name: 'Apple M3 Max (40-core GPU)',
    kind: 'gpu',
    fp32: {
      value: 14.3,
      source: 'derived: 40 cores × 128 ALUs × 2 flops × ~1.4 GHz (Apple M3 Max specifications)',
    },
    fp16Matrix: null,
    int8: null,
    sparse24: false,
    bandwidthGBs: { value: 400, source: 'Apple M3 Max specifications: 400 GB/s' },
    webgpu: {
      available: true,
      dp4aOverFp32: null,
      note: 'Metal has no int8 dot product: packed_4x8 is emulated, so int8 saves bytes but no arithmetic',
    },
    efficiency: GPU_EFF,
  },
  {
    id: 'irisxe',
    name: 'Intel Iris Xe (96 EU)',
    kind: 'gpu',
    fp32: {
      value: 2.1,
      source: 'derived: 96 EU × 8 ALUs × 2 flops × 1.35 GHz (Intel Xe-LP)',
    },
    fp16Matrix: null,
    int8: { value: 8.4, source: 'derived: DP4A at 4× the FP32 rate (Intel Xe-LP supports DP4A)' },
    sparse24: false,
    bandwidthGBs: { value: 68, source: 'derived: LPDDR4x-4266, 128-bit (shared with the CPU)' },
    webgpu: {
      available: true,
      dp4aOverFp32: {
        value: 4,
        source:
          'derived from DP4A on Xe-LP; onnxruntime measured 1.10× decode speed-up on Meteor Lake',
      },
      note: 'DP4A reachable through packed_4x8_integer_dot_product',
    },
    efficiency: GPU_EFF,
  },
  {
    id: 'adreno740',
    name: 'Phone GPU (Adreno 740 class)',
    kind: 'gpu',
    fp32: { value: 2.5, source: 'aggregator figures for Adreno 740, 2–4 TFLOPS (low confidence)' },
    fp16Matrix: null,
    int8: null,
    sparse24: false,
    bandwidthGBs: {
      value: 68.3,
      source: 'derived: LPDDR5X-8533, 64-bit (8,533 MT/s × 8 B; Snapdragon 8 Gen 2 class)',
    },
    webgpu: {
      available: true,
      dp4aOverFp32: null,
      note: 'phones keep the default WebGPU limits (128 MiB bindings); int8 modelled at the fp32 rate',
    },
    efficiency: GPU_EFF,
  },
  {
    id: 'cpu-avx2',
    name: 'Desktop CPU, 8 cores, AVX2',
    kind: 'cpu',
    fp32: {
      value: 0.9,
      source: 'derived: 8 cores × 3.5 GHz × 2 FMA units × 8 lanes × 2 flops',
    },
    fp16Matrix: null,
    int8: {
      value: 1.8,
      source:
        'derived: vpmaddubsw + vpmaddwd, about 2× the FP32 rate (as in oneDNN / FBGEMM AVX2 paths)',
    },
    sparse24: false,
    bandwidthGBs: { value: 51.2, source: 'derived: dual-channel DDR4-3200 (2 × 8 B × 3,200 MT/s)' },
    webgpu: {
      available: false,
      dp4aOverFp32: null,
      note: 'no GPU: in the browser this is WebAssembly / JavaScript, far below native SIMD peaks',
    },
    efficiency: CPU_EFF,
  },
  {
    id: 'cpu-avx512vnni',
    name: 'Server CPU, 16 cores, AVX-512 VNNI',
    kind: 'cpu',
    fp32: {
      value: 2.56,
      source: 'derived: 16 cores × 2.5 GHz × 2 FMA units × 16 lanes × 2 flops',
    },
    fp16Matrix: null,
    int8: {
      value: 10.2,
      source: 'derived: vpdpbusd does 4 int8 MACs per 32-bit lane, 4× the FP32 rate',
    },
    sparse24: false,
    bandwidthGBs: { value: 204.8, source: 'derived: 8-channel DDR4-3200 (8 × 8 B × 3,200 MT/s)' },
    webgpu: {
      available: false,
      dp4aOverFp32: null,
      note: 'no GPU: in the browser this is WebAssembly / JavaScript, far below native SIMD peaks',
    },
    efficiency: CPU_EFF,
  },
];

export function profileById(id: string): HardwareProfile | undefined {
  return PROFILES.find((p) => p.id === id);
}
