// The job bar's time left: from the progress rate since the job started (or resumed), and only once
// enough time and progress have passed for the rate to mean something.
import { describe, expect, test } from 'vitest';
import { secondsLeft, timeLeftText } from '../../src/ui/shell/time-left.ts';

describe('time left', () => {
  test('is the remaining progress at the rate seen so far', () => {
    // A quarter done in 10 s: three quarters more take 30 s.
    expect(secondsLeft({ t: 0, p: 0 }, 10_000, 0.25)).toBeCloseTo(30, 9);
    // Measured from a resume at 40%: 20% more in 4 s leaves 40% for 8 s.
    expect(secondsLeft({ t: 1000, p: 0.4 }, 5000, 0.6)).toBeCloseTo(8, 9);
  });

  test('is not given while too little time or progress has passed', () => {
    expect(secondsLeft({ t: 0, p: 0 }, 1000, 0.5)).toBeNull();
    expect(secondsLeft({ t: 0, p: 0.3 }, 60_000, 0.31)).toBeNull();
  });

  test('reads as a person says it', () => {
    expect(timeLeftText(0.4)).toBe('less than a second left');
    expect(timeLeftText(42.4)).toBe('about 42 s left');
    expect(timeLeftText(200)).toBe('about 3 min left');
    expect(timeLeftText(7200)).toBe('about 2.0 h left');
    expect(timeLeftText(Number.NaN)).toBe('');
  });
});
