// How a model is deployed, for the latency model: stored bits of the weights and activations,
// sparsity, low rank. And the deployments the Latency panel and `slimlab run` offer, by the id a
// preset link names them with.

export interface Deployment {
  /** Stored bits per weight of the weight layers (32 fp32, 16 fp16, ≤ 8 integers). */
  weightBits: number;
  /** Bits of the activations; 8 with integer weights means int8 arithmetic. */
  actBits: 32 | 16 | 8;
  /** 2:4 structured sparse weights (values + 2-bit indices). */
  sparse24?: boolean;
  /** Unstructured sparsity: the fraction of weights kept (stored sparse; run by the dense kernel). */
  density?: number;
  /** Low rank: weight layers factorized to these ranks. */
  ranks?: Record<string, number>;
}

/** The deployments offered, in menu order (fp32 first: the baseline every estimate is put beside). */
export const DEPLOYMENT_CHOICES: ReadonlyArray<{ id: string; label: string; d: Deployment }> = [
  { id: 'fp32', label: 'fp32', d: { weightBits: 32, actBits: 32 } },
  { id: 'fp16', label: 'fp16', d: { weightBits: 16, actBits: 16 } },
  { id: 'w8a8', label: 'int8 weights and activations', d: { weightBits: 8, actBits: 8 } },
  { id: 'w4a16', label: 'int4 weights, fp16 activations', d: { weightBits: 4, actBits: 16 } },
  { id: 's24', label: '2:4 sparse, fp16', d: { weightBits: 16, actBits: 16, sparse24: true } },
  { id: 's24i8', label: '2:4 sparse, int8', d: { weightBits: 8, actBits: 8, sparse24: true } },
];

/** A deployment by its preset id. */
export function deploymentOf(id: string): Deployment {
  const c = DEPLOYMENT_CHOICES.find((x) => x.id === id);
  if (!c) throw new Error(`no deployment named '${id}'`);
  return c.d;
}
