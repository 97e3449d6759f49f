import { describe, expect, it } from 'vitest';
import { checkBudgets } from '../../bench/budgets.ts';
import { median, quantile, shuffle } from '../../bench/stats.ts';

describe('the benchmark arithmetic', () => {
  it('takes medians and interpolated quartiles', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(quantile([10, 20, 30, 40, 50], 0.25)).toBe(20);
    expect(quantile([1, 2], 0.75)).toBe(1.75);
    expect(median([])).toBeNaN();
  });

  it('shuffles into every order equally often, leaving its input alone', () => {
    const items = ['a', 'b', 'c'] as const;
    const counts = new Map<string, number>();
    const draws = 60_000;
    for (let i = 0; i < draws; i++) {
      const order = shuffle(items);
      expect([...order].sort()).toEqual(['a', 'b', 'c']);
      counts.set(order.join(''), (counts.get(order.join('')) ?? 0) + 1);
    }
    expect(items).toEqual(['a', 'b', 'c']);
    expect(counts.size).toBe(6);
    // Each order's share is 1/6 within about 20 standard deviations (0.0015 each): a
    // comparator shuffle, biased towards some orders by several percent, falls outside.
    for (const count of counts.values()) expect(Math.abs(count / draws - 1 / 6)).toBeLessThan(0.03);
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
