import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { binomialUpperTail, holmBonferroni } from './exact-tests.ts';

describe('binomialUpperTail', () => {
  it('matches hand-computed tails', () => {
    expect(binomialUpperTail(3, 3, 0.1)).toBeCloseTo(0.001, 12);
    expect(binomialUpperTail(3, 1, 0.5)).toBeCloseTo(0.875, 12);
    expect(binomialUpperTail(5, 2, 0.2)).toBeCloseTo(1 - 0.8 ** 5 - 5 * 0.2 * 0.8 ** 4, 12);
  });

  it('is 1 for zero failures, 0 beyond n, and exact at p = 0 and p = 1', () => {
    expect(binomialUpperTail(4, 0, 0.3)).toBe(1);
    expect(binomialUpperTail(4, 5, 0.3)).toBe(0);
    expect(binomialUpperTail(4, 1, 0)).toBe(0);
    expect(binomialUpperTail(4, 4, 1)).toBe(1);
  });

  it('falls as the failure count rises and rises with p', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.double({ min: 0.001, max: 0.999, noNaN: true }),
        (n, p) => {
          for (let x = 1; x <= n; x++)
            expect(binomialUpperTail(n, x, p)).toBeLessThanOrEqual(binomialUpperTail(n, x - 1, p) + 1e-12);
          expect(binomialUpperTail(n, 1, Math.min(0.999, p + 0.001))).toBeGreaterThanOrEqual(
            binomialUpperTail(n, 1, p) - 1e-12,
          );
        },
      ),
    );
  });

  it('refuses a count that is not a non-negative integer', () => {
    expect(() => binomialUpperTail(3, 1.5, 0.1)).toThrow(/non-negative integer/);
    expect(() => binomialUpperTail(3, 1, 1.5)).toThrow(/probability/);
  });
});

describe('holmBonferroni', () => {
  it('steps down: rejects while p ≤ α / (m − i), then stops', () => {
    const result = holmBonferroni(
      [
        { id: 'a', pValue: 0.01 },
        { id: 'b', pValue: 0.04 },
        { id: 'c', pValue: 0.001 },
        { id: 'd', pValue: 0.013 },
      ],
      0.05,
    );
    expect(result.map((test) => [test.id, test.rejected])).toEqual([
      ['c', true],
      ['a', true],
      ['d', true],
      ['b', true],
    ]);
    const stopped = holmBonferroni(
      [
        { id: 'a', pValue: 0.03 },
        { id: 'b', pValue: 0.001 },
        { id: 'c', pValue: 0.04 },
      ],
      0.05,
    );
    // 0.001 ≤ 0.05/3 rejects; 0.03 > 0.05/2 stops, so 0.04 is not rejected either (though ≤ 0.05/1).
    expect(stopped.map((test) => test.rejected)).toEqual([true, false, false]);
    expect(stopped[1]?.threshold).toBeCloseTo(0.025, 12);
  });

  it('gives the same answer whatever the input order (ties broken by id)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.record({
            id: fc.string({ minLength: 1, maxLength: 4 }),
            pValue: fc.constantFrom(0.001, 0.01, 0.02, 0.5),
          }),
          {
            selector: (test) => test.id,
            maxLength: 12,
          },
        ),
        fc.nat(),
        (tests, seed) => {
          const shuffled = [...tests].sort(
            (a, b) => ((a.id.charCodeAt(0) * 31 + seed) % 7) - ((b.id.charCodeAt(0) * 31 + seed) % 7),
          );
          expect(JSON.stringify(holmBonferroni(shuffled, 0.05))).toBe(
            JSON.stringify(holmBonferroni(tests, 0.05)),
          );
        },
      ),
    );
  });
});
