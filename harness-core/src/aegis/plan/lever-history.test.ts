import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../errors.ts';
import { parseHarnessSpec } from '../../harness/spec.ts';
import { digestArtifact } from '../artifacts/digest.ts';
import type { Hypothesis, Plan } from '../artifacts/plan.ts';
import { type LeverRecord, parseLeverRecords, toLeverHistory, updateLeverHistory } from './lever-history.ts';
import { planCycle } from './plan-cycle.ts';

function hypothesis(id: string, lever: Hypothesis['lever'], unlock: string[]): Hypothesis {
  return {
    id,
    rank: 1,
    lever,
    kind: 'structural',
    targetCluster: 'early-finish:finish',
    edit: { operator: 'add-verification', params: {} },
    rationale: 'test hypothesis',
    predicted: { unlock, stabilise: [], atRisk: [] },
    score: 0.5,
  };
}

function plan(cycle: number, hypotheses: Hypothesis[]): Plan {
  return {
    schemaVersion: 'harnessx.plan/1',
    cycleId: `household-c00${cycle}`,
    digestKey: `digests/household-c00${cycle}/digest.json`,
    hypotheses,
    portfolio: { structuralQuota: 3, blocked: [], levers: [] },
  };
}

const verification = (cycle: number, unlock: string[]) =>
  plan(cycle, [hypothesis(`c${cycle}-h1`, 'verification', unlock)]);

describe('updateLeverHistory', () => {
  it('records a shipped lever with its prediction hits', () => {
    const next = updateLeverHistory([], {
      plan: verification(1, ['t1', 't2', 't3', 't4']),
      acceptedHypothesisId: 'c1-h1',
      unlockedTaskIds: ['t2', 't9'],
    });
    expect(next).toEqual([
      { lever: 'verification', shippedInLast3: 1, hitRate: 0.25, predictions: 4, shippedRecently: [true] },
    ]);
  });

  it('slides the three-cycle window: shipped, shipped, none, none, none', () => {
    let history: LeverRecord[] = [];
    const counts: number[] = [];
    const steps: (string | undefined)[] = ['c1-h1', 'c2-h1', undefined, undefined, undefined];
    steps.forEach((accepted, index) => {
      history = updateLeverHistory(history, {
        plan: verification(index + 1, ['t1']),
        ...(accepted ? { acceptedHypothesisId: accepted.replace(/^c\d/, `c${index + 1}`) } : {}),
        unlockedTaskIds: [],
      });
      counts.push(history[0]?.shippedInLast3 ?? -1);
    });
    expect(counts).toEqual([1, 2, 2, 1, 0]);
    expect(history[0]?.shippedRecently).toEqual([false, false, false]);
    expect(history[0]?.predictions).toBe(2);
  });

  it('keeps an exact hit rate over many cycles', () => {
    let history: LeverRecord[] = [];
    for (let cycle = 1; cycle <= 3; cycle++) {
      history = updateLeverHistory(history, {
        plan: verification(cycle, ['a', 'b', 'c']),
        acceptedHypothesisId: `c${cycle}-h1`,
        unlockedTaskIds: cycle === 2 ? ['a', 'b', 'c'] : ['a'],
      });
    }
    expect(history[0]).toMatchObject({ predictions: 9, hitRate: 5 / 9, shippedInLast3: 3 });
  });

  it('tracks levers separately and slides every one of them each cycle', () => {
    const memoryPlan = plan(2, [
      hypothesis('c2-h1', 'memory', ['m1']),
      hypothesis('c2-h2', 'verification', ['v1']),
    ]);
    let history = updateLeverHistory([], {
      plan: verification(1, ['v1']),
      acceptedHypothesisId: 'c1-h1',
      unlockedTaskIds: ['v1'],
    });
    history = updateLeverHistory(history, {
      plan: memoryPlan,
      acceptedHypothesisId: 'c2-h1',
      unlockedTaskIds: [],
    });
    expect(history).toEqual([
      { lever: 'memory', shippedInLast3: 1, hitRate: 0, predictions: 1, shippedRecently: [true] },
      {
        lever: 'verification',
        shippedInLast3: 1,
        hitRate: 1,
        predictions: 1,
        shippedRecently: [false, true],
      },
    ]);
  });

  it('reads records without the window as shipped in the most recent cycles', () => {
    const legacy = [{ lever: 'verification' as const, shippedInLast3: 2, hitRate: 0.5, predictions: 4 }];
    const next = updateLeverHistory(legacy, { plan: verification(4, ['x']), unlockedTaskIds: [] });
    expect(next[0]).toEqual({ ...legacy[0], shippedInLast3: 2, shippedRecently: [false, true, true] });
    expect(toLeverHistory(next[0]!)).toEqual(legacy[0]);
  });

  it('rejects an accepted hypothesis the plan does not have and malformed records', () => {
    const error = (() => {
      try {
        updateLeverHistory([], {
          plan: verification(1, []),
          acceptedHypothesisId: 'c9-h9',
          unlockedTaskIds: [],
        });
      } catch (caught) {
        return caught as InputError;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InputError);
    expect(error?.issues[0]?.path).toBe('acceptedHypothesisId');
    expect(() =>
      parseLeverRecords([{ lever: 'verification', shippedInLast3: 4, hitRate: 0, predictions: 0 }]),
    ).toThrow(InputError);
  });

  it('does not modify the history it is given', () => {
    const history: LeverRecord[] = [
      { lever: 'verification', shippedInLast3: 1, hitRate: 1, predictions: 1, shippedRecently: [true] },
    ];
    const copy = structuredClone(history);
    updateLeverHistory(history, {
      plan: verification(2, ['a']),
      acceptedHypothesisId: 'c2-h1',
      unlockedTaskIds: [],
    });
    expect(history).toEqual(copy);
  });

  it('feeds the portfolio audit: two missed shipments block the lever in the next plan', () => {
    const digest = digestArtifact.parse(
      JSON.parse(readFileSync(new URL('./test-data/digest-early-finish-loop.json', import.meta.url), 'utf8')),
    );
    const current = parseHarnessSpec({
      schemaVersion: 'harnessx.harness/1',
      name: 'household-baseline',
      models: { worker: { provider: 'simulated', model: 'sim' } },
    });
    let history: LeverRecord[] = [];
    for (let cycle = 1; cycle <= 2; cycle++) {
      history = updateLeverHistory(history, {
        plan: verification(cycle, ['a', 'b', 'c']),
        acceptedHypothesisId: `c${cycle}-h1`,
        unlockedTaskIds: cycle === 1 ? ['a'] : [],
      });
    }
    const next = planCycle({
      cycleId: 'household-c003',
      digestKey: 'd',
      digest,
      current,
      leverHistory: history,
    });
    expect(next.portfolio.blocked.map((entry) => entry.lever)).toEqual(['verification']);
    expect(next.hypotheses.every((h) => h.lever !== 'verification')).toBe(true);
    expect(next.portfolio.levers).toEqual([
      { lever: 'verification', shippedInLast3: 2, hitRate: 1 / 6, predictions: 6 },
    ]);
  });
});
