// The session as one Markdown file: the link that reopens it, then every result the page holds
// (the tensor, its quantization and the format comparison, the sensitivity ranking and the
// mixed-precision plan, the model's evaluations, the variants, the pruning, calibration,
// distillation and low-rank results), as tables.
import type { Evaluation } from '../engine/types.ts';
import { bytes, evalRow, md, num, pct, table } from './report-markdown.ts';
import { quantSections, type ReportPlan } from './report-quant.ts';
import type { SlimState } from './store.ts';

/** Test digits of a lab on all 10,000 shipped digits (split 8,000 / 2,000); fewer: a quick run. */
const ALL_TEST = 2000;

/** How many test digits an accuracy was measured on, said only when it is a quick run. */
const quick = (n: number | undefined) =>
  n !== undefined && n < ALL_TEST ? ` (a quick run: ${n.toLocaleString('en')} test digits)` : '';
const on = (e: Evaluation | undefined) => quick(e?.count);

/** `plan`: the Planner panel's plan at the session's budget, when its options were measured. */
export function buildReport(
  s: SlimState,
  link: string,
  when = new Date(),
  plan: ReportPlan | null = null,
): string {
  const out: string[] = [
    `# Slimlab session report`,
    '',
    `${when.toISOString()} · reopen this view: <${link}>`,
  ];
  const push = (title: string, ...parts: string[]) => out.push('', `## ${title}`, '', ...parts);
  if (!s.model) {
    push('Model', 'No model was open.');
    return `${out.join('\n')}\n`;
  }
  const m = s.model;
  push(
    'Model',
    `${md(m.file)}: ${m.tensors.length} tensors, ${m.tensors.reduce((a, t) => a + t.params, 0).toLocaleString('en')} parameters${m.architecture ? ` (${m.architecture})` : ''}.`,
  );
  const a = s.analysis;
  if (a && a.modelId === m.id) {
    const st = a.stats;
    push(
      `Tensor ${md(a.tensor)}`,
      `${a.dtype} [${a.shape.join(', ')}], analysed on ${a.backend === 'webgpu' ? 'WebGPU' : 'the CPU'}.`,
      '',
      table(
        ['min', 'max', 'mean', 'std', 'absmax', 'excess kurtosis', 'zeros', 'NaN', '±Inf'],
        [
          [
            num(st.min),
            num(st.max),
            num(st.mean),
            num(st.std),
            num(st.absmax),
            num(st.kurtosis),
            st.zeros,
            st.nans,
            st.posInf + st.negInf,
          ],
        ],
      ),
    );
  }
  const q = s.quant;
  if (q && a && q.tensor === a.tensor) {
    const e = q.error;
    const g = q.granularity;
    push(
      `Quantization of ${md(q.tensor)}`,
      `${q.spec.format}${q.spec.format === 'int' ? ` ${q.spec.bits}-bit ${q.spec.symmetric ? 'symmetric' : 'asymmetric'}` : ''}, ${g.kind === 'group' ? `groups of ${g.size}` : g.kind === 'channel' ? `per channel (axis ${g.axis})` : 'per tensor'}, ${q.spec.rounding} rounding${q.spec.clipQuantile < 1 ? `, clipped at the ${q.spec.clipQuantile} quantile` : ''}.${q.note ? ` ${q.note}.` : ''}`,
      '',
      table(
        [
          'SQNR dB',
          'MSE',
          'clipping MSE',
          'rounding MSE',
          'max |error|',
          'cosine',
          'bits / weight',
          'bytes after',
        ],
        [
          [
            num(e.sqnrDb),
            num(e.mse),
            num(e.clippingMse),
            num(e.roundingMse),
            num(e.maxAbsError),
            num(e.cosine, 6),
            num(q.bitsPerWeight),
            bytes(q.bytesAfter),
          ],
        ],
      ),
    );
  }
  const c = s.comparison;
  if (c && q && c.tensor === q.tensor) {
    push(
      'Formats compared on the same tensor',
      table(
        ['format', 'SQNR dB', 'MSE', 'bits / weight'],
        [...c.formats, ...c.bits].map((r) => [
          r.label,
          num(r.error.sqnrDb),
          num(r.error.mse),
          num(r.bitsPerWeight),
        ]),
      ),
    );
  }
  for (const [title, ...parts] of quantSections(s, plan)) push(title, ...parts);
  const head = ['variant', 'accuracy', 'agreement with fp32', 'KL(fp32 ‖ variant)'];
  const ev = s.evaluation;
  const tested = ev?.results[0]?.evaluation.count ?? ALL_TEST;
  if (ev && ev.modelId === m.id)
    push(
      `Accuracy on the ${tested.toLocaleString('en')} test digits${tested < ALL_TEST ? ' (a quick run)' : ''}`,
      table(
        head,
        ev.results.map((r) => evalRow(r.label, r.evaluation)),
      ),
    );
  if (s.qat && s.qat.modelId === m.id)
    push(
      `PTQ against QAT (${s.qat.result.epochs} epoch${s.qat.result.epochs === 1 ? '' : 's'})${on(s.qat.result.fp32)}`,
      table(
        ['bits (W and A)', 'PTQ accuracy', 'QAT accuracy'],
        [
          ['fp32', pct(s.qat.result.fp32.accuracy), pct(s.qat.result.fp32.accuracy)],
          ...s.qat.result.rows.map((r) => [r.bits, pct(r.ptq.accuracy), pct(r.qat.accuracy)]),
        ],
      ),
    );
  if (s.ptq && s.ptq.modelId === m.id)
    push(
      `Static PTQ by calibration method${on(s.ptq.result.rows[0]?.evaluation)}`,
      table(
        head,
        s.ptq.result.rows.map((r) => evalRow(r.label, r.evaluation)),
      ),
    );
  if (s.lowRank && s.lowRank.modelId === m.id) {
    const r = s.lowRank.result;
    push(
      `Low rank (${pct(r.energy)} of the energy kept)${on(r.fp32)}`,
      table(head, [
        evalRow('fp32', r.fp32),
        evalRow('factorized', r.evaluation),
        ...(r.tuned ? [evalRow(`fine-tuned ${r.tuneEpochs} epoch(s)`, r.tuned)] : []),
      ]),
    );
  }
  const lab = s.pruneLab;
  if (lab && lab.modelId === m.id) {
    if (lab.study && !('pruned' in lab.study))
      push(
        `Pruning: ${md(lab.study.label)} (the weights alone: this model does not run here)`,
        `${pct(lab.study.sparsity)} of the Linear and convolution weights removed; relative weight error ${num(lab.study.relativeError)}.`,
      );
    else if (lab.study)
      push(
        `Pruning: ${md(lab.study.label)}${on(lab.study.fp32)}`,
        table(head, [
          evalRow('fp32', lab.study.fp32),
          evalRow(`pruned to ${pct(lab.study.sparsity)}`, lab.study.pruned),
        ]),
      );
    if (lab.sweep)
      push(
        'Accuracy against sparsity',
        table(
          ['method', 'sparsity', 'accuracy', 'fine-tuned'],
          lab.sweep.map((p) => [
            p.method,
            pct(p.sparsity),
            pct(p.accuracy),
            p.tuned === null ? '—' : pct(p.tuned),
          ]),
        ),
      );
  }
  const d = s.distillation;
  if (d && d.modelId === m.id && d.result)
    push(
      `Distillation into ${md(d.result.student)} (T = ${d.request.temperature}, α = ${d.request.alpha})${on(d.result.teacher)}`,
      table(head, [
        evalRow('teacher', d.result.teacher),
        evalRow('student, distilled', d.result.distilled),
      ]),
    );
  if (s.variants.length)
    push(
      'Every variant of this session',
      table(
        ['model', 'technique', 'variant', 'size', 'accuracy', 'agreement', 'KL'],
        s.variants.map((v) => [
          v.model,
          v.technique,
          `${v.label}${quick(v.testDigits)}`,
          bytes(v.bytes),
          pct(v.accuracy),
          v.agreement === null ? '—' : pct(v.agreement),
          num(v.kl),
        ]),
      ),
    );
  return `${out.join('\n')}\n`;
}
