// How many of the shipped digits the demo labs (accuracy, calibration, pruning, retraining, timing)
// train and test on: all of them, or fewer for a quick run with rougher numbers.
import { FIELDS } from '../../presets/fields.ts';
import { useSetting } from '../../state/settings/hooks.ts';
import { ALL_DIGITS, labSplit } from '../../state/settings/slice.ts';
import { formatCount } from '../common/format.ts';

const CHOICES = FIELDS.labDigits.choices ?? [ALL_DIGITS];
const label = (n: number) =>
  `${formatCount(n)}${n === ALL_DIGITS ? ' (all)' : n === CHOICES[0] ? ' (quick)' : ''}`;

export function LabDigitsSelect() {
  const [digits, setDigits] = useSetting('labDigits');
  const { train, test } = labSplit(digits);
  return (
    <div className="controls lab-digits" data-testid="lab-digits">
      <label>
        Digits per lab run{' '}
        <select
          aria-label="Digits per lab run"
          value={digits}
          onChange={(e) => setDigits(Number(e.target.value))}
        >
          {CHOICES.map((n) => (
            <option key={n} value={n}>
              {label(n)}
            </option>
          ))}
        </select>
      </label>{' '}
      <span className="hint">
        {formatCount(train)} to train, {formatCount(test)} to test. Fewer digits run faster and give
        rougher numbers.
      </span>
    </div>
  );
}
