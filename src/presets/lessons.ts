// Built-in lessons: each a preset (what opens, what is locked or hidden) and a few steps of text,
// some of which change settings as the reader moves on. Opened with ?lesson=ID (the lesson's preset
// is applied first); the card steps through them.

export interface LessonStep {
  text: string;
  /** Settings this step changes, as a preset query (applied over the current ones). */
  set?: string;
}

export interface Lesson {
  id: string;
  title: string;
  /** The preset the lesson opens with (demo model, tensor, settings, the lab it is about, lock=, hide=). */
  preset: string;
  steps: LessonStep[];
}

const HIDE_TRAINING = 'hide=training,pruning,planner,benchmarks';
// The language-model lessons keep the tensor panel (its scheme is the one measured) and the panel.
const HIDE_LM = 'hide=training,pruning,planner,benchmarks,calibration,accuracy,latency';
const HIDE_LM_KV = 'hide=training,pruning,planner,benchmarks,calibration,accuracy';

export const LESSONS: readonly Lesson[] = [
  {
    id: 'zero-point',
    title: 'The zero point, worked by hand',
    preset: `demo=mnist-mlp&t=fc1.bias&qs=0&qg=tensor&${HIDE_TRAINING}`,
    steps: [
      {
        text: 'Asymmetric (zero-point) quantization maps the range [min, max] of a tensor onto the integers 0…255: scale = (max − min) / 255 and zero point = round(−min / scale), so that 0.0 is exactly representable. The worked-example card computes both for the numbers you type.',
      },
      {
        text: 'The histogram above shows fc1.bias with the 256 levels of this scheme. Notice that the levels cover only the range the values use: nothing is wasted on the side with no values.',
      },
      {
        text: 'Now the symmetric (absmax) scheme: scale = max |x| / 127, zero point 0. If the values are mostly on one side, half of the levels go unused and the error grows. Compare the SQNR with the previous step.',
        set: 'qs=1',
      },
    ],
  },
  {
    id: 'outliers-int8',
    title: 'Outliers break int8: LLM.int8() decomposition',
    preset: `demo=ppocr-cls&t=conv2d_14.w_0&ot=1.5&${HIDE_TRAINING}`,
    steps: [
      {
        text: 'One large value stretches the absmax scale of its whole row or tensor, so the small values, which are most of them, fall into a handful of levels. LLM.int8() keeps the columns with outliers (|x| over a threshold) in 16-bit and quantizes the rest to int8.',
      },
      {
        text: 'In the LLM.int8() panel the threshold is 1.5 (this tensor’s largest weight is 2.2, its typical one 0.4). Lower it to 0.8: more columns stay in 16 bits, the error falls, the bytes rise. The panel shows where the trade stops paying.',
        set: 'ot=0.8',
      },
    ],
  },
  {
    id: 'kl-vs-minmax',
    title: 'KL divergence against MinMax calibration',
    preset:
      'demo=mnist-cnn&cs=512&cb=8&lab=calibration&hide=training,pruning,planner,benchmarks,latency',
    steps: [
      {
        text: 'Activations need a range before they can be quantized. MinMax takes the largest value seen; one rare spike then costs every other value precision. The calibration lab draws each method’s threshold on the activation histogram.',
      },
      {
        text: 'KL (TensorRT’s entropy calibration) picks the threshold whose quantized distribution stays closest to the original: it clips the rare tail to give the bulk finer steps. Run the calibration study and compare the thresholds and the accuracy of each method’s PTQ model.',
      },
      {
        text: 'At 4 bits the choice matters more: the steps are 16 times coarser, so clipping pays off sooner.',
        set: 'cb=4',
      },
    ],
  },
  {
    id: 'clipping-vs-rounding',
    title: 'Clipping error against rounding error',
    preset: `demo=mnist-mlp&t=fc1.weight&qb=4&qg=tensor&${HIDE_TRAINING}`,
    steps: [
      {
        text: 'Quantization error has two parts: rounding (values inside the range land on the nearest level) and clipping (values outside it are cut to the edge). With the range at max |x| there is no clipping, only rounding.',
      },
      {
        text: 'Clip at the 99.9th percentile of |x|: the scale shrinks, rounding error falls for the many small weights, and a few large ones are clipped. The split bar in the quantization panel shows both parts.',
        set: 'qc=0.999',
      },
      {
        text: 'Clip at the 99th percentile: now clipping dominates and the total error rises again. The best threshold sits between, where the two errors balance.',
        set: 'qc=0.99',
      },
    ],
  },
  {
    id: 'per-tensor-vs-per-channel',
    title: 'One scale per tensor, or one per channel',
    preset: `demo=mnist-mlp&t=fc1.weight&qb=4&qg=tensor&lock=qBits&${HIDE_TRAINING}`,
    steps: [
      {
        text: 'With one scale for the whole tensor, the row with the largest weights sets the step size for every row. Look at the error map: some rows carry most of the error.',
      },
      {
        text: 'One scale per output channel (row): each row gets a step that fits it. The error map evens out and the SQNR rises, for one extra float per row.',
        set: 'qg=channel',
      },
      {
        text: 'Groups of 32 along each row go further still (what GPTQ-style int4 formats do), at the cost of one scale per 32 weights: see bits per weight.',
        set: 'qg=group&qz=32',
      },
    ],
  },
  {
    id: 'two-four-vs-unstructured',
    title: '2:4 structured against unstructured pruning',
    preset:
      'demo=mnist-mlp&pm=magnitude&ps=0.5&lab=pruning&hide=training,planner,benchmarks,calibration',
    steps: [
      {
        text: 'Unstructured magnitude pruning removes the 50% smallest weights wherever they are. It keeps the most important weights, but a GPU cannot skip scattered zeros cheaply.',
      },
      {
        text: '2:4 pruning keeps the 2 largest of every 4 consecutive weights: also 50%, but in a pattern sparse tensor cores (A100, H100) run at up to twice the dense speed. Compare the masks and the accuracy in the pruning lab.',
        set: 'pm=nm24',
      },
      {
        text: 'The latency model below says when 2:4 pays: only on GPUs with sparse tensor cores, and not through WebGPU, which cannot reach them.',
        set: 'ld=s24&lp=a100',
      },
    ],
  },
  {
    id: 'distillation-temperature',
    title: 'Distillation temperature',
    preset:
      'demo=mnist-cnn&dt=1&da=0.9&de=5&lab=training&hide=pruning,planner,benchmarks,calibration',
    steps: [
      {
        text: 'A student learns from the teacher’s probabilities, softened by a temperature T: at T = 1 they are nearly one-hot and carry little more than the label.',
      },
      {
        text: 'At T = 4 the wrong classes get visible probability: the teacher says which digits look alike, and the student learns that too. Run the distillation and compare with the student trained on labels alone.',
        set: 'dt=4',
      },
      {
        text: 'At T = 10 the targets are almost flat and the signal fades again. The best T depends on the teacher and the student.',
        set: 'dt=10',
      },
    ],
  },
  {
    id: 'svd-rank',
    title: 'Low rank by SVD',
    preset: 'demo=mnist-mlp&re=0.5&lab=accuracy&hide=pruning,planner,benchmarks,calibration',
    steps: [
      {
        text: 'A weight matrix W can be replaced by two thin ones, U·V, keeping the largest singular values. Keeping 50% of the energy removes most parameters, and most accuracy.',
      },
      {
        text: 'Keeping 90% of the energy: more parameters, accuracy close to the original. A short fine-tune of the factorized layers recovers more.',
        set: 're=0.9',
      },
    ],
  },
  {
    id: 'int8-not-faster',
    title: 'Why int8 is not faster everywhere',
    preset:
      'demo=mnist-cnn&ld=w8a8&lp=m2&lb=1&lab=latency&hide=training,pruning,planner,calibration',
    steps: [
      {
        text: 'int8 halves the bytes of fp16 and quarters fp32. On a GPU without int8 arithmetic units (Apple M2 here) the arithmetic runs no faster, and at batch 1 the layers are memory-bound anyway: the latency panel explains each layer.',
      },
      {
        text: 'On a T4, int8 tensor cores give four times the fp16 peak, but only compute-bound layers gain from it. At batch 1 most layers wait on memory, where the smaller weights help instead.',
        set: 'lp=t4',
      },
      {
        text: 'At batch 1,024 the layers become compute-bound and int8’s arithmetic speed shows.',
        set: 'lb=1024',
      },
    ],
  },
  {
    id: 'flash-attention-memory',
    title: 'FlashAttention’s memory',
    preset: 'demo=mnist-vit&lab=benchmarks&hide=training,pruning,planner,calibration,accuracy',
    steps: [
      {
        text: 'Naive attention writes the N × N score matrix to memory: 4 bytes × N² per head, 64 MiB per head at 4,096 tokens. The benchmark panel shows where that stops fitting one GPU binding.',
      },
      {
        text: 'The FlashAttention-style kernel walks the keys in tiles with a running softmax, so its extra memory grows with N, not N². Its line in the memory chart stays flat while the naive one climbs.',
      },
      {
        text: 'The KV-cache explorer in the latency panel shows the other memory of long sequences: the cache. With room for 8,192 tokens pre-allocated per request, most of it sits empty; paged blocks of 16 tokens waste almost nothing.',
        set: 'km=8192&lab=latency',
      },
    ],
  },
  {
    id: 'lm-int8-int4-int2',
    title: 'int8, int4 and int2 on a language model',
    preset: `demo=stories260K&lc=64&qb=8&qg=channel&lq=1&lab=lm&${HIDE_LM}`,
    steps: [
      {
        text: 'A language model’s weights are quantized like any others, but what matters is what the model then says. Press Evaluate in the Language model panel: with int8 per channel the KL divergence from the base model is tiny (about 0.0006 nats on the default text) and the same top token is picked at 98% of the tokens.',
      },
      {
        text: 'int4 per channel: 15 levels per row instead of 255 (the symmetric range without −8). Evaluate again: the KL mean grows some 300 times (about 0.2 nats) and the same top token falls to about 73%: the model starts to choose other words. Shade the tokens by KL, and read the most-disagreeing ones.',
        set: 'qb=4',
      },
      {
        text: 'int2: three levels per row (−1, 0 and +1 times the row’s scale). The KL jumps to about 9 nats, the perplexity from about 6 to tens of thousands, and the same top token to under 1%: the model no longer writes English. Generate a story and read the two columns side by side.',
        set: 'qb=2',
      },
    ],
  },
  {
    id: 'lm-groups-of-32',
    title: 'Why groups of 32 help',
    preset: `demo=stories260K&lc=64&qb=4&qg=channel&lq=1&lab=lm&${HIDE_LM}`,
    steps: [
      {
        text: 'int4 with one scale per output row: the largest weight of each row sets the step for the whole row. Evaluate the text and note the KL mean and the same top token.',
      },
      {
        text: 'One scale per group of 32 weights along each row (what llama.cpp’s Q4_0 and GPTQ-style formats do): an outlier now spoils only its own 32 neighbours. Evaluate again: the KL mean falls by a fifth (about 0.21 to 0.17 nats on the default text) and its p99 by a third, for one more scale per 32 weights (a 32-bit scale here is one bit more per weight; llama.cpp stores it in 16 bits).',
        set: 'qg=group&qz=32',
      },
      {
        text: 'Groups of 128: longer than most rows of this tiny model (64 weights; 172 in the down projections), so nearly one scale per row again, and the KL goes back to where per channel left it. Groups pay when they are shorter than the rows, as 128 is in a 4,096-wide Llama.',
        set: 'qz=128',
      },
    ],
  },
  {
    id: 'lm-kv-cache',
    title: 'A quantized KV cache',
    preset: `demo=stories260K&lc=256&lq=0&lk=int8&lab=lm&${HIDE_LM_KV}`,
    steps: [
      {
        text: 'While a model writes, it keeps every past token’s keys and values: the KV cache, which grows with the sequence and soon outweighs the weights of a large model. Here the weights stay in float and only the cache is int8 (a scale per token and head). Evaluate: the KL mean is about 0.002 nats on the default text, the same top token 98%.',
      },
      {
        text: 'An int4 cache holds a quarter of the float16 bytes. Evaluate again: the attention now reads far coarser keys and values, the KL mean rises some 500 times (about 0.9 nats) and the same top token falls to about 54%. Generate to see how soon the story parts from the base model’s.',
        set: 'lk=int4',
      },
      {
        text: 'The KV-cache explorer in the latency panel sizes the cache of a large model: at 1 byte per value (int8) the same memory budget holds twice the requests of float16’s 2 bytes; an int4 cache, half a byte, would hold four times as many.',
        set: 'kb=1',
      },
    ],
  },
];

export function lessonById(id: string | null): Lesson | null {
  return LESSONS.find((l) => l.id === id) ?? null;
}

/** The query that opens a lesson: its preset and its id. */
export function lessonQuery(l: Lesson): string {
  return `v=1&lesson=${l.id}&${l.preset}`;
}
