// A worked example a person can edit: a small matrix quantized to int8 by hand, then shifted to uint8.
import { useMemo, useState } from 'react';
import { parseMatrix, workedExample } from '../../core/quant/zero-point.ts';
import { formatValue } from '../common/format.ts';
import { Term } from '../common/Term.tsx';

const DEFAULT = '-51.5, 0, 12.25\n7.1, 38.2, -20\n0.4, -3.3, 25.75';

export function ZeroPointCard() {
  const [text, setText] = useState(DEFAULT);
  const parsed = useMemo(() => parseMatrix(text), [text]);
  const ex = typeof parsed === 'string' ? null : workedExample(parsed);
  return (
    <section
      className="worked"
      aria-label="Zero-point worked example"
      data-testid="zero-point-card"
    >
      <h3>
        Worked example: int8, then uint8 with a <Term k="zero-point">zero point</Term>
      </h3>
      <label className="matrix-input">
        matrix (one row a line, numbers separated by commas)
        <textarea
          aria-label="Example matrix"
          rows={4}
          value={text}
          onChange={(e) => setText(e.target.value)}
          spellCheck={false}
        />
      </label>
      {typeof parsed === 'string' && (
        <p className="error" role="alert">
          {parsed}
        </p>
      )}
      {ex && (
        <>
          <ol className="steps">
            <li>
              The largest magnitude is <strong>{formatValue(ex.extreme)}</strong>; it maps to{' '}
              {ex.extreme < 0 ? '−128' : '127'}, so the scale is |{formatValue(ex.extreme)}| /{' '}
              {ex.extreme < 0 ? 128 : 127} ={' '}
              <strong data-testid="worked-scale" data-value={ex.scale}>
                {formatValue(ex.scale)}
              </strong>
              .
            </li>
            <li>Each value is divided by the scale and rounded (half to even); zero stays zero.</li>
            <li>
              Adding the zero point 128 moves the codes from [−128, 127] to [0, 255]: the same
              values as uint8.
            </li>
          </ol>
          <table className="worked-table" data-testid="worked-table">
            <thead>
              <tr>
                <th scope="col">x</th>
                <th scope="col">
                  x / <Term k="scale">scale</Term>
                </th>
                <th scope="col">int8</th>
                <th scope="col">uint8 = int8 + 128</th>
                <th scope="col">back: int8 · scale</th>
                <th scope="col">error</th>
              </tr>
            </thead>
            <tbody>
              {ex.cells.flat().map((c, i) => (
                <tr key={i} data-x={c.x}>
                  <td className="num">{formatValue(c.x)}</td>
                  <td className="num">{c.scaled.toFixed(3)}</td>
                  <td className="num" data-int8={c.int8}>
                    {c.int8}
                  </td>
                  <td className="num" data-uint8={c.uint8}>
                    {c.uint8}
                  </td>
                  <td className="num">{formatValue(c.dequantized)}</td>
                  <td className="num">{formatValue(c.error)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
