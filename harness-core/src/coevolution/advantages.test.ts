import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeAdvantages, judgeGroup } from './advantages.ts';
import { parseAdvantageConfig, parseFilterConfig } from './config.ts';

interface GoldenCase {
  name: string;
  config: { scale: 'group' | 'none' | 'batch'; baseline: 'mean' | 'loo'; eps: number; ddof: number };
  rewards: number[];
  reward_range: [number, number];
  expected: { kept: boolean; advantages: number[] | null; drop_reason: string | null };
}

const golden = JSON.parse(
  readFileSync(new URL('../../../training/tests/fixtures/advantage-golden.json', import.meta.url), 'utf8'),
) as { cases: GoldenCase[] };
const filter = parseFilterConfig();

function advantagesOf(rewards: readonly number[], config: Record<string, unknown> = {}): number[] {
  const [values] = computeAdvantages([{ rewards }], parseAdvantageConfig(config)).advantages;
  return values as number[];
}

describe('advantages: shared golden fixture (spec §9.12)', () => {
  it.each(golden.cases.map((c) => [c.name, c] as const))('%s', (_name, testCase) => {
    const config = parseAdvantageConfig(testCase.config);
    const verdict = judgeGroup(testCase.rewards, testCase.reward_range, filter, config.ddof);
    expect(verdict.kept).toBe(testCase.expected.kept);
    if (!verdict.kept) {
      expect(verdict.reason).toBe(testCase.expected.drop_reason);
      return;
    }
    const actual = advantagesOf(testCase.rewards, testCase.config);
    (testCase.expected.advantages as number[]).forEach((value, i) => {
      expect(actual[i]).toBeCloseTo(value, 12);
    });
  });
});

const reward = fc.double({ min: -10, max: 10, noNaN: true });
/** Groups with a clear spread, so they are kept and σ is well away from 0. */
const group = fc
  .array(reward, { minLength: 2, maxLength: 12 })
  .filter((rewards) => Math.max(...rewards) - Math.min(...rewards) > 1e-3);

describe('advantages: properties (spec §9.1–9.5)', () => {
  it('sum to zero in every group, for every scale and baseline (9.1)', () => {
    fc.assert(
      fc.property(
        fc.array(group, { minLength: 1, maxLength: 4 }),
        fc.constantFrom('group', 'none', 'batch'),
        fc.constantFrom('mean', 'loo'),
        (groups, scale, baseline) => {
          const { advantages } = computeAdvantages(
            groups.map((rewards) => ({ rewards })),
            parseAdvantageConfig({ scale, baseline }),
          );
          for (const values of advantages) {
            const largest = Math.max(1, ...values.map(Math.abs));
            expect(Math.abs(values.reduce((s, v) => s + v, 0))).toBeLessThanOrEqual(
              1e-9 * values.length * largest,
            );
          }
        },
      ),
    );
  });

  it('have mean square 1 with scale group, ddof 0, eps 0 (9.2)', () => {
    fc.assert(
      fc.property(group, (rewards) => {
        const values = advantagesOf(rewards, { eps: 0 });
        expect(values.reduce((s, v) => s + v * v, 0) / values.length).toBeCloseTo(1, 9);
      }),
    );
  });

  it('are r − mean(r) with scale none (9.3)', () => {
    fc.assert(
      fc.property(group, (rewards) => {
        const mean = rewards.reduce((s, r) => s + r, 0) / rewards.length;
        advantagesOf(rewards, { scale: 'none' }).forEach((value, i) => {
          expect(value).toBeCloseTo((rewards[i] as number) - mean, 9);
        });
      }),
    );
  });

  it('do not depend on the order of the trajectories (9.4)', () => {
    fc.assert(
      fc.property(
        group,
        fc.constantFrom('group', 'none'),
        fc.constantFrom('mean', 'loo'),
        (rewards, scale, baseline) => {
          const order = rewards.map((_, i) => i).reverse();
          const forward = advantagesOf(rewards, { scale, baseline });
          const backward = advantagesOf(
            order.map((i) => rewards[i] as number),
            { scale, baseline },
          );
          order.forEach((original, position) => {
            expect(backward[position]).toBeCloseTo(forward[original] as number, 12);
          });
        },
      ),
    );
  });

  it('are invariant under r → a·r + b, a > 0, with scale group and eps 0 (9.5)', () => {
    fc.assert(
      fc.property(group, fc.double({ min: 0.01, max: 100, noNaN: true }), reward, (rewards, a, b) => {
        const before = advantagesOf(rewards, { eps: 0 });
        const after = advantagesOf(
          rewards.map((r) => a * r + b),
          { eps: 0 },
        );
        before.forEach((value, i) => {
          expect(after[i]).toBeCloseTo(value, 6);
        });
      }),
    );
  });

  it('batch scale divides by the std of all residuals', () => {
    const result = computeAdvantages(
      [{ rewards: [1, 0] }, { rewards: [1, 0.5, 0] }],
      parseAdvantageConfig({ scale: 'batch' }),
    );
    const residuals = [0.5, -0.5, 0.5, 0, -0.5];
    const sigma = Math.sqrt(residuals.reduce((s, r) => s + r * r, 0) / residuals.length);
    expect(result.batchStd).toBeCloseTo(sigma, 12);
    expect(result.advantages[1]).toEqual([0.5 / (sigma + 1e-4), 0, -0.5 / (sigma + 1e-4)]);
  });

  it('κ damps only negative advantages of non-target harness versions, and reports them', () => {
    const config = parseAdvantageConfig({
      retired_harness_negative_scale: 0.5,
      target_harness_versions: ['v2'],
    });
    const result = computeAdvantages(
      [{ rewards: [0, 1, 0, 1], harnessVersions: ['v1', 'v1', 'v2', 'v2'] }],
      config,
    );
    const plain = advantagesOf([0, 1, 0, 1]);
    expect(result.advantages[0]).toEqual([0.5 * (plain[0] as number), plain[1], plain[2], plain[3]]);
    expect(result.retiredScaled).toBe(1);
  });

  it('rejects κ < 1 without target versions', () => {
    expect(() => parseAdvantageConfig({ retired_harness_negative_scale: 0.5 })).toThrow(
      /target_harness_versions/,
    );
  });
});
