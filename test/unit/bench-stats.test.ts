import { describe, expect, it } from 'vitest';
import { checkBudgets } from '../../bench/budgets.ts';
import { median, quantile } from '../../bench/stats.ts';

describe('the benchmark arithmetic', () => {
  it('takes medians and interpolated quartiles', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(quantile([10, 20, 30, 40, 50], 0.25)).toBe(20);
    expect(quantile([1, 2], 0.75)).toBe(1.75);
    expect(median([])).toBeNaN();
  });

  it('fails a budget that is exceeded or could not be measured', () => {
    const verdicts = checkBudgets([
      { name: 'within', value: 1.1, limit: 1.1 },
      { name: 'over', value: 1.11, limit: 1.1 },
      { name: 'unmeasured', value: Number.NaN, limit: 2 },
    ]);
    expect(verdicts.map((v) => v.ok)).toEqual([true, false, false]);
  });
});
