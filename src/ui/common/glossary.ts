// The one glossary of the app: every technical label the panels show, in a sentence or two for a
// student who knows what a matrix is, with the paper or tool the term comes from. <Term k="…">
// and glossTitle("…") read it; tests/unit/glossary.test.ts checks every key the UI uses is here.

export interface GlossEntry {
  text: string;
  source: string;
}

export const GLOSSARY = {
  // Quantization basics.
  ptq: {
    text: 'Post-training quantization: round a trained model’s weights (and activations) to fewer bits without training it again; only a little calibration data is needed.',
    source:
      'Jacob et al. 2018, “Quantization and Training of Neural Networks for Efficient Integer-Arithmetic-Only Inference”',
  },
  qat: {
    text: 'Quantization-aware training: train (or fine-tune) with the rounding simulated in the forward pass, so the weights learn to sit where rounding hurts least. Gradients pass the rounding unchanged (the straight-through estimator).',
    source: 'Jacob et al. 2018; Bengio et al. 2013 (straight-through estimator)',
  },
  scale: {
    text: 'The step between two neighbouring quantized values: a real value x is stored as the integer round(x / scale). A larger range means a larger scale and coarser steps.',
    source: 'Jacob et al. 2018 (affine quantization)',
  },
  'zero-point': {
    text: 'An integer offset added to the codes so an asymmetric range (say [−0.2, 1.4]) uses all of the unsigned codes 0…255; the real value 0 maps exactly to the zero point.',
    source: 'Jacob et al. 2018; the ONNX QuantizeLinear operator',
  },
  symmetric: {
    text: 'Symmetric quantization: the range is [−max|x|, +max|x|] and there is no zero point, so the codes are signed (−127…127 for int8). Asymmetric adds a zero point to fit a lopsided range.',
    source: 'Krishnamoorthi 2018, “Quantizing deep convolutional networks for efficient inference”',
  },
  granularity: {
    text: 'How many values share one scale: one for the whole tensor (per tensor), one per output channel, i.e. per row of the weight matrix (per channel), or one per group of, say, 64 consecutive values (per group / block). Finer sharing follows outliers more closely at the cost of storing more scales.',
    source: 'Krishnamoorthi 2018 (per channel); GPTQ and llama.cpp (groups / blocks)',
  },
  'per-channel': {
    text: 'One scale per output channel (one row of the weight matrix), so a row of large weights does not coarsen the steps of a row of small ones.',
    source: 'Krishnamoorthi 2018',
  },
  'group-size': {
    text: 'Group (block) quantization: consecutive values along a row share one scale, e.g. 32 or 128 values. Smaller groups follow outliers better but store more scales.',
    source: 'Frantar et al. 2022 (GPTQ, “group size”); llama.cpp block formats (Q4_0: 32)',
  },
  clip: {
    text: 'Clipping: choose a range narrower than the largest |x| (e.g. the 99.9th percentile), so the rare outliers are cut off and the bulk of the values gets finer steps.',
    source: 'Wu et al. 2020, “Integer Quantization for Deep Learning Inference” (NVIDIA)',
  },
  rounding: {
    text: 'Round to nearest sends each value to the closest level; stochastic rounding picks the upper or lower level at random in proportion to the distance, so rounding errors average out.',
    source: 'Gupta et al. 2015, “Deep Learning with Limited Numerical Precision”',
  },
  // Number formats.
  fp16: {
    text: 'IEEE half precision: 1 sign bit, 5 exponent bits, 10 mantissa bits. Range ±65,504, about 3 decimal digits.',
    source: 'IEEE 754-2008 binary16',
  },
  bf16: {
    text: 'bfloat16: fp32’s 8-bit exponent with only 7 mantissa bits, so the range of fp32 with about 2 decimal digits.',
    source: 'Google Brain; Kalamkar et al. 2019, “A Study of BFLOAT16 for Deep Learning Training”',
  },
  tf32: {
    text: 'TensorFloat-32: what NVIDIA tensor cores use for fp32 matrix products since Ampere: fp32’s exponent with a 10-bit mantissa.',
    source: 'NVIDIA A100 architecture whitepaper (2020)',
  },
  fp8: {
    text: '8-bit floats: e4m3 (4 exponent bits, 3 mantissa bits, max 448) for weights and activations, e5m2 (max 57,344) for gradients. Values are scaled into the format’s range first.',
    source:
      'Micikevicius et al. 2022, “FP8 Formats for Deep Learning”; OCP 8-bit floating point spec',
  },
  fp4: {
    text: 'fp4 e2m1: 4-bit floats with 2 exponent bits and 1 mantissa bit; only ±{0, 0.5, 1, 1.5, 2, 3, 4, 6}, so each block carries a scale.',
    source: 'OCP Microscaling Formats (MX) specification v1.0 (2023)',
  },
  mxfp4: {
    text: 'MXFP4: fp4 e2m1 values in blocks of 32 that share one power-of-two scale (8-bit exponent). NVFP4 is NVIDIA’s variant: blocks of 16 with an fp8 e4m3 scale.',
    source: 'OCP Microscaling (MX) spec v1.0; NVIDIA Blackwell NVFP4 documentation',
  },
  nf4: {
    text: 'NormalFloat 4-bit: 16 levels placed at quantiles of a normal distribution, so each level is used about equally for normally distributed weights; one absmax scale per block of 64.',
    source: 'Dettmers et al. 2023, “QLoRA” (bitsandbytes)',
  },
  quantile: {
    text: 'Quantile levels: the 2^bits levels are quantiles of this tensor’s own values, so every level holds the same share of them (a codebook stored with the tensor).',
    source: 'codebook quantization, as in Han et al. 2016, “Deep Compression”',
  },
  log2: {
    text: 'Power-of-two levels (±2^k): multiplying by one is a bit shift; steps are fine near zero and coarse for large values.',
    source:
      'Miyashita et al. 2016, “Convolutional Neural Networks using Logarithmic Data Representation”',
  },
  twn: {
    text: 'Ternary weight networks: each weight becomes −α, 0 or +α, with the threshold 0.7·mean|w| and α the mean of the weights kept.',
    source: 'Li, Zhang & Liu 2016, “Ternary Weight Networks”',
  },
  binary: {
    text: 'Binary weights: each weight keeps only its sign, times one scale, the mean |w| of the tensor (or row).',
    source: 'Rastegari et al. 2016, “XNOR-Net”; Courbariaux et al. 2015, “BinaryConnect”',
  },
  // Error measures.
  mse: {
    text: 'Mean squared error between the original and the quantized values: the average of (x − x̂)².',
    source: 'standard; used throughout Krishnamoorthi 2018',
  },
  sqnr: {
    text: 'Signal-to-quantization-noise ratio in decibels: 10·log10(Σx² / Σ(x − x̂)²). Each extra bit adds about 6 dB while rounding dominates.',
    source: 'signal processing (Widrow & Kollár, “Quantization Noise”, 2008)',
  },
  cosine: {
    text: 'Cosine similarity between the original and quantized tensors seen as long vectors: 1 means the same direction.',
    source: 'standard; used by TensorRT’s and onnxruntime’s quantization debuggers',
  },
  kurtosis: {
    text: 'Excess kurtosis: how heavy the tails are. 0 for a normal distribution; large values mean a few outliers, which stretch the range and coarsen the steps for everyone else.',
    source: 'Pearson 1905; used for quantization in Bondarenko et al. 2021',
  },
  histogram: {
    text: 'Counts of values in equal-width bins: the shape of the distribution the quantizer has to cover.',
    source: 'standard',
  },
  // Calibration.
  calibration: {
    text: 'Running some real inputs through the model to record each layer’s activation range, so activations can be quantized with fixed scales.',
    source: 'Migacz 2017, “8-bit Inference with TensorRT” (GTC)',
  },
  minmax: {
    text: 'MinMax calibration: the range is exactly the smallest and largest value seen. Simple, but one outlier widens every step.',
    source: 'PyTorch MinMaxObserver; TensorRT',
  },
  percentile: {
    text: 'Percentile calibration: the range ends at, say, the 99.99th percentile of |x| and the few values beyond are clipped.',
    source: 'Wu et al. 2020 (NVIDIA); PyTorch HistogramObserver',
  },
  'kl-tensorrt': {
    text: 'Entropy (KL) calibration as in TensorRT: a 2048-bin histogram of |x|; for each candidate threshold, requantize to 128 levels and keep the threshold whose distribution has the smallest KL divergence from the original.',
    source: 'Migacz 2017, “8-bit Inference with TensorRT” (GTC talk)',
  },
  'kl-mxnet': {
    text: 'The same KL calibration as MXNet implements it: 8001 bins over [−max, +max] and 255 quantized levels, signed.',
    source: 'Apache MXNet contrib/quantization (_get_optimal_threshold)',
  },
  'kl-ort': {
    text: 'KL calibration as onnxruntime’s entropy calibrator does it: a 128-bin histogram and 128 quantized levels, so a coarser search than TensorRT’s.',
    source: 'onnxruntime quantization (CalibrationMethod.Entropy)',
  },
  ema: {
    text: 'EMA MinMax: the range follows an exponential moving average of each batch’s minimum and maximum, so one unusual batch moves it only a little.',
    source: 'Jacob et al. 2018; PyTorch MovingAverageMinMaxObserver',
  },
  dynamic: {
    text: 'Dynamic quantization: activation ranges are measured on each batch as it runs, instead of fixed by calibration beforehand; no calibration set, but a little work at run time.',
    source: 'PyTorch torch.ao.quantization.quantize_dynamic; onnxruntime quantize_dynamic',
  },
  'mse-calibration': {
    text: 'MSE calibration: the threshold that minimizes the mean squared error between the activations and their quantized values.',
    source:
      'Banner et al. 2019, “Post-training 4-bit quantization” (ACIQ); PyTorch HistogramObserver',
  },
  w8a8: {
    text: 'WxAy names what is quantized: W8A8 is int8 weights and int8 activations (integer matrix products); W8A32 quantizes only the weights and keeps float activations; W4A16 is 4-bit weights with fp16 activations.',
    source: 'naming from Xiao et al. 2023, “SmoothQuant”, and Frantar et al. 2022, “GPTQ”',
  },
  'llm-int8': {
    text: 'LLM.int8(): the few input features (columns) with an outlier above a threshold (6.0) stay in fp16; everything else is multiplied in int8 with one scale per row. The outliers would otherwise wreck the int8 range.',
    source:
      'Dettmers et al. 2022, “LLM.int8(): 8-bit Matrix Multiplication for Transformers at Scale” (bitsandbytes)',
  },
  'mixed-precision': {
    text: 'Mixed precision: different layers at different bit widths, with more bits where the model is most sensitive, within a size budget.',
    source: 'Dong et al. 2019, “HAWQ”; Wang et al. 2019, “HAQ”',
  },
  sensitivity: {
    text: 'Layer sensitivity: quantize one layer at a time and measure how much the output changes; the layers that hurt most deserve more bits.',
    source: 'Dong et al. 2019 (HAWQ); NVIDIA TensorRT quantization toolkit',
  },
  // Pruning.
  sparsity: {
    text: 'The share of weights that are exactly zero. 90% sparsity keeps one weight in ten.',
    source: 'Han et al. 2015, “Learning both Weights and Connections”',
  },
  magnitude: {
    text: 'Magnitude pruning: remove the weights with the smallest |w|, per layer or with one global threshold over the whole model.',
    source: 'Han et al. 2015; Zhu & Gupta 2017, “To prune, or not to prune”',
  },
  'n-m': {
    text: 'N:M structured sparsity: in every group of M consecutive weights along a row, only N are kept. 2:4 is the pattern NVIDIA sparse tensor cores (Ampere and later) skip in hardware, storing 2 values and 2-bit positions per 4.',
    source: 'Mishra et al. 2021, “Accelerating Sparse Deep Neural Networks” (NVIDIA)',
  },
  'l1-channels': {
    text: 'Channel pruning by L1 norm: drop whole output channels (rows) with the smallest Σ|w|, and the matching inputs of the next layer, so the layers really get smaller and faster.',
    source: 'Li et al. 2017, “Pruning Filters for Efficient ConvNets”',
  },
  gradual: {
    text: 'Gradual pruning: raise the sparsity step by step along a cubic schedule while training, so the network adapts as weights go.',
    source: 'Zhu & Gupta 2017, “To prune, or not to prune”',
  },
  csr: {
    text: 'Compressed sparse row: store only the non-zero values with their column indices and a row pointer; pays an index per value, so it saves space only at high sparsity.',
    source: 'standard sparse-matrix format (e.g. cuSPARSE, SciPy csr_matrix)',
  },
  // Low rank and distillation.
  svd: {
    text: 'Singular value decomposition: W = U·diag(σ)·Vᵀ. Keeping the largest r singular values gives the best rank-r approximation of W (Eckart–Young), stored as two thin matrices.',
    source: 'Eckart & Young 1936; Denton et al. 2014 (low rank for networks)',
  },
  rank: {
    text: 'The rank r kept by a low-rank factorization: an m×n weight becomes m×r and r×n matrices, smaller whenever r < mn/(m+n).',
    source: 'Denton et al. 2014, “Exploiting Linear Structure Within Convolutional Networks”',
  },
  energy: {
    text: 'Σσ² (energy): the sum of the squared singular values, which equals the sum of all squared weights. Keeping 90% of it bounds the error: ‖W − Wᵣ‖² is the sum of the σ² dropped.',
    source: 'Eckart–Young theorem (Frobenius norm)',
  },
  distillation: {
    text: 'Knowledge distillation: train a small student to match a large teacher’s softened output probabilities as well as the true labels.',
    source: 'Hinton, Vinyals & Dean 2015, “Distilling the Knowledge in a Neural Network”',
  },
  temperature: {
    text: 'Temperature T divides the logits before the softmax: T > 1 softens the probabilities so the student also learns which wrong answers the teacher found nearly right. The soft loss is scaled by T².',
    source: 'Hinton, Vinyals & Dean 2015',
  },
  alpha: {
    text: 'α weighs the two losses of distillation: α on matching the teacher’s soft targets, 1 − α on the true labels.',
    source: 'Hinton, Vinyals & Dean 2015',
  },
  epoch: {
    text: 'One pass over all the training examples.',
    source: 'standard',
  },
  agreement: {
    text: 'Agreement: the share of test inputs where the compressed model predicts the same class as the original fp32 model, whether right or wrong.',
    source: 'as in TensorRT / onnxruntime accuracy comparisons',
  },
  // Latency.
  'latency-model': {
    text: 'A roofline estimate: each layer takes the longer of its arithmetic time and its memory time, plus a fixed launch cost. It predicts, not measures.',
    source: 'Williams, Waterman & Patterson 2009, “Roofline”',
  },
  roofline: {
    text: 'Roofline: a layer is limited either by arithmetic (FLOPs ÷ peak rate) or by memory (bytes ÷ bandwidth), whichever takes longer.',
    source:
      'Williams, Waterman & Patterson 2009, “Roofline: an insightful visual performance model”',
  },
  intensity: {
    text: 'Arithmetic intensity: FLOPs done per byte moved. Below the ridge point a layer waits on memory; above it, on arithmetic.',
    source: 'Williams et al. 2009 (Roofline)',
  },
  ridge: {
    text: 'The ridge point: peak FLOP/s divided by memory bandwidth, in FLOPs per byte. A layer whose intensity is below it is memory-bound.',
    source: 'Williams et al. 2009 (Roofline)',
  },
  'bound-by': {
    text: 'What limits the layer: compute (arithmetic), memory (bytes moved) or overhead (the fixed cost of launching a kernel, which dominates for small layers; only batching helps then).',
    source: 'Roofline (Williams et al. 2009), with a launch cost as in NVIDIA Nsight analyses',
  },
  batch: {
    text: 'How many samples (or tokens) go through a layer at once. The weights are read once per batch, so larger batches turn memory-bound layers compute-bound.',
    source: 'standard; see the Roofline model',
  },
  dp4a: {
    text: 'DP4A: one instruction that multiplies four int8 pairs and adds them into an int32; WebGPU reaches it through packed_4x8_integer_dot_product.',
    source: 'NVIDIA Pascal ISA (2016); WGSL spec',
  },
  'kv-cache': {
    text: 'KV cache: a transformer keeps the keys and values of every past token so each new token attends to them without recomputing; its size grows with the context length. Paged attention stores it in fixed-size blocks.',
    source:
      'Pope et al. 2022, “Efficiently Scaling Transformer Inference”; Kwon et al. 2023 (vLLM, PagedAttention)',
  },
  // Language-model measures.
  perplexity: {
    text: 'Perplexity: exp of the mean negative log-likelihood per token; how many equally likely next tokens the model is choosing from on average. Lower is better.',
    source: 'Jelinek et al. 1977; llama.cpp llama-perplexity',
  },
  'kl-divergence': {
    text: 'KL divergence of the compressed model’s next-token distribution from the original’s, in nats: 0 when they predict identically.',
    source: 'Kullback & Leibler 1951; llama.cpp llama-perplexity --kl-divergence',
  },
  'top-token': {
    text: 'Same top token: the share of positions where the compressed model’s most likely next token is the original model’s.',
    source: 'llama.cpp llama-perplexity --kl-divergence',
  },
  'delta-p': {
    text: 'Δp: how much the probability of the correct next token changed, original minus compressed, averaged as a root mean square over the text.',
    source: 'llama.cpp llama-perplexity --kl-divergence',
  },
  'ln-ppl-ratio': {
    text: 'ln(PPL_q / PPL_base): the compressed model’s extra mean loss per token, in nats, since the log of a perplexity is the mean loss. 0.01 is about 1% more perplexity.',
    source: 'llama.cpp llama-perplexity --kl-divergence (“Mean ln(PPL(Q)/PPL(base))”)',
  },
  'kv-quant': {
    text: 'A quantized KV cache: the cached keys (after the rotary embedding) and values are rounded to int8 or int4, one absmax scale per token and KV head, so the cache takes a half or a quarter of the memory of fp16.',
    source:
      'Hooper et al. 2024, “KVQuant”; Liu et al. 2024, “KIVI”; llama.cpp --cache-type-k / --cache-type-v q8_0, q4_0',
  },
  'int8-threshold': {
    text: 'The LLM.int8() outlier threshold: an input feature where some token reaches |x| at or above it stays in float; the rest is multiplied in int8. The paper uses 6.0; lower keeps more features in float.',
    source: 'Dettmers et al. 2022, “LLM.int8()” (bitsandbytes’ llm_int8_threshold)',
  },
  'bits-per-weight': {
    text: 'Bits per weight: the stored size of a quantized tensor divided by its number of weights, with the scales and zero points counted, so 4-bit codes with a 16-bit scale per 32 weights are 4.5 bits.',
    source: 'as llama.cpp’s quantize tool reports (bpw)',
  },
  'sampling-temperature': {
    text: 'Sampling temperature: the logits are divided by it before the softmax and the next token is drawn at random; below 1 sharpens, above 1 flattens the distribution. At 0 the most likely token is taken every time (greedy decoding).',
    source: 'Ackley, Hinton & Sejnowski 1985 (Boltzmann temperature); llama.cpp --temp',
  },
  'low-rank': {
    text: 'Low rank: each projection matrix is replaced by the product of two thin matrices from its truncated SVD, keeping a fraction of its rank; fewer parameters and multiply-adds, at the cost of the dropped singular directions.',
    source: 'Denton et al. 2014; Sainath et al. 2013 (low-rank factorization of weight matrices)',
  },
  gptq: {
    text: 'GPTQ: quantizes a layer’s weights one column at a time and corrects the not-yet-quantized columns for the error made, using second-order (Hessian) information from calibration inputs.',
    source:
      'Frantar et al. 2022, “GPTQ: Accurate Post-Training Quantization for Generative Pre-trained Transformers”',
  },
} as const satisfies Record<string, GlossEntry>;

export type GlossKey = keyof typeof GLOSSARY;

/** The glossary entry for a label made elsewhere (engine method and variant names), if any. */
export function glossForLabel(label: string): GlossKey | null {
  const rules: Array<[RegExp, GlossKey]> = [
    [/TensorRT/, 'kl-tensorrt'],
    [/MXNet/, 'kl-mxnet'],
    [/onnxruntime/, 'kl-ort'],
    [/^EMA/, 'ema'],
    [/^MinMax/, 'minmax'],
    [/^percentile/, 'percentile'],
    [/^MSE$/, 'mse-calibration'],
    [/LLM\.int8/, 'llm-int8'],
    [/^dynamic/, 'dynamic'],
    [/\bW\d+A\d+\b/, 'w8a8'],
    [/^\d+:\d+/, 'n-m'],
    [/^Perplexity/, 'perplexity'],
    [/^KL mean/, 'kl-divergence'],
    [/^Same top token/, 'top-token'],
    [/^Δp/, 'delta-p'],
    [/^ln\(PPL/, 'ln-ppl-ratio'],
    [/^L1 channels/, 'l1-channels'],
    [/magnitude/, 'magnitude'],
  ];
  return rules.find(([re]) => re.test(label))?.[1] ?? null;
}

/** A `title` for places that cannot hold a <Term> (menu options, chart labels). */
export function glossTitle(k: GlossKey): string {
  const e: GlossEntry = GLOSSARY[k];
  return `${e.text} (${e.source})`;
}
